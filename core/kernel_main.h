// The arch-neutral half of boot: after the board has set up the CPU and its
// devices, create the tasks named in BootInfo, start the tick, run.
#pragma once

namespace pristine {

[[noreturn]] void kernel_main();

}  // namespace pristine
