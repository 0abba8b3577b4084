#include "core/time/timer_tick.h"

#include <atomic>

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/smp/cpu_set.h"
#include "core/smp/tlb_shootdown.h"
#include "core/test_hook.h"

namespace pristine {
namespace {

// The periodic chores: one balancing look, and this CPU's shootdown requests
// that are past their deadline taken back. They fall due on the tick grid
// whatever the state of the CPU, so no look is ever skipped for good. The
// frame to resume if they did work (moved a task away, switched), else
// nullptr.
PRISTINE_HOT TrapFrame* run_chores(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  cpu.chores_at = cpu.next_deadline + Cycles{(kChoreIntervalTicks - 1) * cpu.tick_period};
  bool moved = false;
  if (!cpu.run_queue.empty() && smp::online_cpus() != smp::bit(cpu.id)) moved = sched::balance(cpu);
  TrapFrame* resume = frame;
  if (PRISTINE_UNLIKELY(smp::g_shootdowns_outstanding.load(std::memory_order_relaxed) != 0)) {
    resume = smp::check_shootdown_timeouts(cpu, frame, now);
  }
  return moved || resume != frame ? resume : nullptr;
}

}  // namespace

void timer_start(CpuLocal& cpu, Cycles period) {
  cpu.tick_period = period;
  cpu.next_deadline = machine::now() + period;
  cpu.first_deadline = cpu.next_deadline;
  cpu.chores_at = cpu.next_deadline + Cycles{(kChoreIntervalTicks - 1) * period};
  machine::timer_arm_oneshot(cpu.next_deadline);
}

// Work a timer interrupt left due (another sleeper: each interrupt wakes
// one; the end of a turn after chores that did work) gets a catch-up
// interrupt at once rather than waiting for the next tick.
[[gnu::always_inline]] inline void arm_for_work_left(CpuLocal& cpu, Cycles now) {
  if (PRISTINE_UNLIKELY(sched::sleeper_due(cpu, now) || now >= cpu.turn_ends_at)) machine::timer_arm_oneshot(now);
}

// Deadlines were missed (the CPU ran with interrupts off for longer than a
// period): skip them rather than fire a burst of catch-up ticks.
PRISTINE_COLD Cycles skip_missed_deadlines(CpuLocal& cpu, Cycles now) {
  const std::uint64_t behind = (now - cpu.next_deadline) / cpu.tick_period;
  cpu.missed_ticks.store(cpu.missed_ticks.load(std::memory_order_relaxed) + behind, std::memory_order_relaxed);
  return cpu.next_deadline + Cycles{(behind + 1) * cpu.tick_period};
}

// A timer interrupt well before the armed deadline: the catch-up for work
// a timer interrupt left due (housekeeping, as a tick would do it), or else
// a timer that fired twice or a stale one, acknowledged and ignored. The
// deadline stays on the grid.
PRISTINE_HOT TrapFrame* timer_between_ticks(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  machine::timer_arm_oneshot(cpu.next_deadline);
  machine::end_of_interrupt();
  if (now < cpu.housekeeping_at) {
    bump(cpu.early_ticks);
    return frame;
  }
  return tick_housekeeping(cpu, frame, now);
}

// The tick's slow path, at tick time `now` (the deadline re-armed and the
// interrupt acknowledged already).
PRISTINE_HOT TrapFrame* tick_housekeeping(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  PRISTINE_TEST_HOOK(tick, frame);
  // The run is over: hand the CPU to the idle task, which reports in a cold path.
  if (PRISTINE_UNLIKELY(cpu.shutdown_at != 0 && now >= cpu.shutdown_at)) {
    TrapFrame* resume = sched::switch_to_idle(cpu, frame, now);
    plan_housekeeping(cpu);
    return resume;
  }
  // Chores that did work leave the sleepers and the end of the turn to a
  // catch-up interrupt: one piece of work per interrupt bounds its cost.
  if (now >= cpu.chores_at) {
    if (TrapFrame* resume = run_chores(cpu, frame, now)) {
      arm_for_work_left(cpu, now);
      plan_housekeeping(cpu);
      return resume;
    }
  }
  TrapFrame* resume = sched::on_tick(cpu, frame, now);
  arm_for_work_left(cpu, now);
  plan_housekeeping(cpu);
  return resume;
}

}  // namespace pristine
