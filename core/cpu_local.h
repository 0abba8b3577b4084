// State core/ keeps per CPU. Only its own CPU writes it (with interrupts off),
// so no locks; cold-path readers use the relaxed atomics inside PathStats.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/machine.h"
#include "core/sched/run_queue.h"
#include "core/stats/path_stats.h"
#include "core/types.h"

namespace pristine {

struct Task;

inline constexpr CpuId kMaxCpus = 8;

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
  PathStats path[256];     // per vector: cycles from dispatch entry to exit
  PathStats syscall[8];    // per syscall number (the last slot: invalid numbers)
  PathHistogram switch_paths;  // every interrupt or syscall path that switched tasks
};

extern CpuLocal g_cpu_local[kMaxCpus];

inline CpuLocal& this_cpu() { return g_cpu_local[machine::cpu_id()]; }

}  // namespace pristine
