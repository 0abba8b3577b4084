// State core/ keeps per CPU. Only its own CPU writes it (with interrupts off),
// so no locks; cold-path readers read it once the CPU stopped (PathStats) or
// through relaxed atomics (the counters other CPUs may read while it runs).
// The exceptions are explicit: other CPUs push into `inbox` and read `load`
// (scheduler). TLB shootdown requests live with their tasks
// (core/smp/tlb_shootdown.h).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/debug/debug_calls.h"
#include "core/machine.h"
#include "core/sched/run_queue.h"
#include "core/sched/task.h"
#include "core/stats/relaxed_counter.h"
#include "core/stats/path_stats.h"
#include "core/syscall/syscall.h"
#include "core/types.h"

namespace pristine {

// A time that never comes (no deadline).
inline constexpr Cycles kNever = Cycles{~std::uint64_t{0}};

struct CpuLocal {
  Task* current;
  Task* idle;
  bool fpu_live;           // current's FPU state is in the registers (docs/fpu.md)
  RunQueue run_queue;
  Task* sleepers;          // sleeping tasks, sorted by wake_at
  std::uint64_t clock_hz;  // machine::now() frequency
  Cycles tick_period;      // in machine::now() units
  Cycles next_deadline;    // the armed timer deadline: the next tick
  Cycles first_deadline;   // the first tick's deadline: ticks are expected on that grid
  // The tick's one decision (core/time/timer_tick.h): a tick before
  // housekeeping_at only re-arms and acknowledges; one at or after it takes
  // the slow path. housekeeping_at is the earliest of the four times below
  // (plan_housekeeping), recomputed whenever one of them changes.
  Cycles housekeeping_at;
  Cycles turn_ends_at;     // the running task's turn is over (kNever: the idle task)
  Cycles chores_at;        // the next periodic look: balancing, overdue shootdowns
  Cycles shutdown_at;      // when the run ends (BootInfo::run_cycles); 0 = never
  std::uint32_t slice_ticks;    // base time slice, in ticks
  std::uint64_t ticks;      // ticks taken (single writer, read once the CPU stopped, as PathStats)
  std::atomic<std::uint64_t> missed_ticks;  // deadlines that had passed before re-arming
  std::atomic<std::uint64_t> early_ticks;   // timer interrupts before the deadline, ignored
  std::atomic<std::uint64_t> switches;
  // Per path, from the kernel entry's stamp to its exit (the kernel's own
  // clock: cycles, or instructions under QEMU -icount): core/kernel_entry.h.
  PathRecord interrupt_paths[256];             // per vector
  PathRecord syscall_paths[kSyscallSlots];     // per syscall number (the last slot: invalid numbers)
  PathHistogram switch_paths;  // every interrupt or syscall path that switched tasks
  // The debug calls (core/debug/debug_calls.h): trace markers taken here,
  // and the profiled regions whose stop ran here.
  debug::TraceSlot trace;
  debug::CpuRegions profile;

  // SMP (docs/smp.md).
  CpuId id;
  Cycles stopped_at;                   // when stop-all halted it (0: never)
  std::atomic<std::uint32_t> load;     // its runnable + running tasks, idle excluded
  std::atomic<Task*> inbox;            // tasks other CPUs woke or moved here (LIFO; drained in order)
  Task* leaving;                       // switched away from; its on_cpu is released at the next entry
  // The ring-3 address space this CPU loaded last (its CR3 keeps it while
  // kernel threads and the idle task run): a process slot whose space is
  // loaded somewhere may still have translations cached there, so it is not
  // reused (sched, "Task slots").
  std::atomic<PhysAddr> loaded_space;
  CpuId balance_probe;                 // the CPU the last balancing look compared with
  std::atomic<std::uint64_t> shootdowns;          // requests this CPU initiated
  std::atomic<std::uint64_t> shootdown_flushes;   // pages this CPU flushed for others
  std::atomic<std::uint64_t> shootdown_timeouts;  // waits that hit the bound (a CPU that never answered)
  std::atomic<std::uint64_t> remote_wakes;        // wake-ups this CPU sent to another
};

}  // namespace pristine

// One per CPU, indexed by machine::cpu_id(). extern "C": the simulator
// finds it by this plain name (sim/guest_kernel_view.h).
extern "C" pristine::CpuLocal pristine_cpu_local[pristine::kMaxCpus];

namespace pristine {

// The earliest time the tick has work beyond re-arming: the end of the
// running task's turn, the first sleeper's wake-up, the periodic chores, the
// end of the run. Called by whoever moves one of them (the switch, the
// tick's slow path).
inline void plan_housekeeping(CpuLocal& cpu) {
  Cycles at = cpu.turn_ends_at < cpu.chores_at ? cpu.turn_ends_at : cpu.chores_at;
  if (cpu.sleepers && cpu.sleepers->wake_at < at) at = cpu.sleepers->wake_at;
  if (cpu.shutdown_at != 0 && cpu.shutdown_at < at) at = cpu.shutdown_at;
  cpu.housekeeping_at = at;
}

inline CpuLocal& this_cpu() {
  CpuLocal* cpu = &pristine_cpu_local[machine::cpu_id()];
  // Opaque from here on: the compiler keeps the pointer in a register instead
  // of recomputing array base + id * sizeof(CpuLocal) at every use.
  asm("" : "+r"(cpu));
  return *cpu;
}

}  // namespace pristine
