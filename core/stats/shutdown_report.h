// The shutdown report: the run's per-task, per-CPU and per-path figures and
// its verdict, written to the console in the versioned line format of
// shutdown_report_format.def (read on the host by sim/shutdown_report.h).
// Cold path: the other CPUs are stopped and interrupts are off.
#pragma once

namespace pristine {

// Write the report; true if the run passed: every ring-3 task progressed,
// every CPU's tick count is within 10% of the expected one, and no TLB
// shootdown went unanswered.
bool write_shutdown_report();

}  // namespace pristine
