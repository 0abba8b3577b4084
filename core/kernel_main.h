// The arch-neutral half of boot: after the board has set up the CPU and its
// devices, create the tasks named in BootInfo, start the tick, run.
#pragma once

namespace pristine {

// The first words kernel_main prints: by then the board has set up its
// devices (the PC's UART FIFO is on), so a host may start sending input
// (sim/cli/boot_command.cpp).
inline constexpr char kKernelBanner[] = "Pristine: ";

[[noreturn]] void kernel_main();

}  // namespace pristine
