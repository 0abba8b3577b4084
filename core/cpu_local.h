// State core/ keeps per CPU. Only its own CPU writes it (with interrupts off),
// so no locks; cold-path readers use the relaxed atomics inside PathStats.
// The exceptions are explicit: other CPUs push into `inbox` and read `load`
// (scheduler). TLB shootdown requests live with their tasks
// (core/smp/tlb_shootdown.h).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/machine.h"
#include "core/sched/run_queue.h"
#include "core/stats/path_stats.h"
#include "core/syscall/syscall.h"
#include "core/types.h"

namespace pristine {

struct Task;

struct CpuLocal {
  Task* current;
  Task* idle;
  RunQueue run_queue;
  Task* sleepers;          // sleeping tasks, sorted by wake_at
  std::uint64_t clock_hz;  // machine::now() frequency
  Cycles tick_period;      // in machine::now() units
  Cycles next_deadline;    // the armed timer deadline
  Cycles shutdown_at;      // when the run ends (BootInfo::run_cycles); 0 = never
  Cycles first_deadline;   // the first tick's deadline: ticks are expected on that grid
  std::uint32_t slice_ticks;    // base time slice, in ticks
  std::atomic<std::uint64_t> ticks;
  std::atomic<std::uint64_t> missed_ticks;  // deadlines that had passed before re-arming
  std::atomic<std::uint64_t> early_ticks;   // timer interrupts before the deadline, ignored
  std::atomic<std::uint64_t> switches;
  // Per path, from dispatch entry to exit (the kernel's own clock: cycles,
  // or instructions under QEMU -icount): the paths that resumed the context
  // they interrupted, and ("+switch") the ones that switched tasks.
  PathStats path[256];                 // per vector
  PathStats path_switched[256];
  PathStats syscall[kSyscallSlots];    // per syscall number (the last slot: invalid numbers)
  PathStats syscall_switched[kSyscallSlots];
  PathHistogram switch_paths;  // every interrupt or syscall path that switched tasks

  // SMP (docs/smp.md).
  CpuId id;
  Cycles stopped_at;                   // when stop-all halted it (0: never)
  std::atomic<std::uint32_t> load;     // its runnable + running tasks, idle excluded
  std::atomic<Task*> inbox;            // tasks other CPUs woke or moved here (LIFO; drained in order)
  Task* leaving;                       // switched away from; its on_cpu is released at the next entry
  std::uint32_t balance_countdown;     // ticks to the next balancing look
  CpuId balance_probe;                 // the CPU that look compared with last
  std::uint32_t shootdown_check_countdown;        // ticks to the next look for overdue shootdowns
  std::atomic<std::uint64_t> shootdowns;          // requests this CPU initiated
  std::atomic<std::uint64_t> shootdown_flushes;   // pages this CPU flushed for others
  std::atomic<std::uint64_t> shootdown_timeouts;  // waits that hit the bound (a CPU that never answered)
  std::atomic<std::uint64_t> remote_wakes;        // wake-ups this CPU sent to another
};

extern CpuLocal g_cpu_local[kMaxCpus];

// The end of a measured path (dispatch entry to exit, approved pattern of
// seed 000: relaxed counters here, the report in a cold path): into `plain`
// if it resumed the context it interrupted, else `switched` and the switch
// histogram.
inline void record_path(CpuLocal& cpu, PathStats& plain, PathStats& switched, Cycles start, bool did_switch) {
  const Cycles cost = machine::now() - start;
  if (!did_switch) {
    plain.record(cost);
  } else {
    switched.record(cost);
    cpu.switch_paths.record(cost);
  }
}

inline CpuLocal& this_cpu() { return g_cpu_local[machine::cpu_id()]; }

}  // namespace pristine
