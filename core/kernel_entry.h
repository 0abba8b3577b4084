// The one prologue and epilogue of every way into the kernel: interrupts
// (core/interrupt/dispatch.cpp), exceptions (same file) and system calls
// (core/syscall/dispatch.cpp). Between them a path reads top to bottom.
//
// The prologue takes the path's entry stamp, the only clock read its logic
// uses as "now" (tick, scheduler, syscalls all get it passed in); the
// epilogue reads the clock once more to record the path's cost (seed 000's
// approved pattern: plain per-CPU counters here, the report in a cold path).
#pragma once

#include <atomic>

#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/sched/task.h"
#include "core/stats/path_stats.h"

namespace pristine {

// What every path knows from its first line in core/.
struct KernelEntry {
  CpuLocal& cpu;
  Cycles now;  // the entry stamp
};

[[gnu::always_inline]] inline KernelEntry enter_kernel() {
  CpuLocal& cpu = this_cpu();
  // The task this CPU switched away from last is off its stack now (we are
  // on another one): other CPUs may run it (Task::on_cpu).
  if (Task* left = cpu.leaving) {
    left->on_cpu.store(0, std::memory_order_release);
    cpu.leaving = nullptr;
  }
  return {cpu, machine::now()};
}

// The path resumes `resume`: the frame it entered with (`frame`), or another
// task's. Its cost goes to `record` (plain or +switch) and, for a switch, to
// the CPU's switch histogram.
[[gnu::always_inline]] inline TrapFrame* leave_kernel(const KernelEntry& entry, PathRecord& record,
                                                      TrapFrame* frame, TrapFrame* resume) {
  const Cycles cost = machine::now() - entry.now;
  if (PRISTINE_LIKELY(resume == frame)) {
    record.plain.record(cost);
  } else {
    record.switched.record(cost);
    entry.cpu.switch_paths.record(cost);
  }
  return resume;
}

}  // namespace pristine
