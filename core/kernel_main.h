// The arch-neutral half of boot: after the board has set up the CPU and its
// devices, create the tasks named in BootInfo, start the tick, run.
#pragma once

namespace pristine {

[[noreturn]] void kernel_main();

// Cold path: per-task progress and per-vector statistics on the console.
void print_shutdown_report();

}  // namespace pristine
