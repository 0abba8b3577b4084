// The end of a run: the boot CPU's idle task calls it once the run's time is
// up (core/sched/scheduler.cpp). Cold path.
#pragma once

namespace pristine {

// Stop the other CPUs, write the shutdown report (core/stats/shutdown_report.h),
// then power off with 0 if the run passed, else 1.
[[noreturn]] void power_off_with_report();

}  // namespace pristine
