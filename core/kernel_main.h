// The arch-neutral half of boot: after the board has set up the CPU and its
// devices, create the tasks named in BootInfo, start the tick, run.
#pragma once

namespace pristine {

[[noreturn]] void kernel_main();

// Cold path: per-task progress and per-vector statistics on the console.
void print_shutdown_report();

// Cold path: print the report, then power off with 0 if every ring-3 task
// progressed and the tick count is within 10% of the expected one, else 1.
[[noreturn]] void power_off_with_report();

}  // namespace pristine
