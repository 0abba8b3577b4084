// The periodic tick, driven by a one-shot deadline timer re-armed on every
// tick, read top to bottom like a fast path: the common tick re-arms the next
// deadline on the fixed grid, acknowledges the interrupt and charges the tick
// to the running task; one unlikely branch leads to the slow path
// (tick_housekeeping, timer_tick.cpp), which owns everything else: waking
// a sleeper (one per timer interrupt: more due ones get a catch-up interrupt
// at once, so no interrupt's cost grows with their number), the end of a turn, the periodic chores (balancing, overdue TLB
// shootdowns) and the end of the run. CpuLocal::housekeeping_at says when
// that is due, so the fast path decides with one comparison.
#pragma once

#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/kernel_entry.h"
#include "core/machine.h"
#include "core/types.h"

namespace pristine {

// The slow path's periodic chores run every this many ticks: a balancing look
// and a look for this CPU's overdue TLB shootdowns.
inline constexpr std::uint32_t kChoreIntervalTicks = 4;

// Cold path: program the first deadline, `period` cycles from now.
void timer_start(CpuLocal& cpu, Cycles period);

// The tick's slow paths (timer_tick.cpp).
TrapFrame* tick_housekeeping(CpuLocal& cpu, TrapFrame* frame, Cycles now);
TrapFrame* timer_between_ticks(CpuLocal& cpu, TrapFrame* frame, Cycles now);
Cycles skip_missed_deadlines(CpuLocal& cpu, Cycles now);

// Hot path: the tick at the entry stamp. Returns the frame to resume.
[[gnu::always_inline]] inline TrapFrame* timer_tick(const KernelEntry& entry, TrapFrame* frame) {
  CpuLocal& cpu = entry.cpu;
  const Cycles due = cpu.next_deadline;
  // Well before the deadline it is not a tick: the catch-up for sleepers a
  // tick left due, or a timer that fired twice or late. Half a period of
  // slack absorbs a timer that converts the deadline with rounding (the PC's
  // LAPIC) and fires a bit early.
  if (PRISTINE_UNLIKELY(entry.now + cpu.tick_period / 2 < due)) return timer_between_ticks(cpu, frame, entry.now);
  // The next deadline on the fixed grid (a late tick does not shift the
  // phase of later ones); deadlines already passed are skipped, not fired.
  Cycles next = due + cpu.tick_period;
  if (PRISTINE_UNLIKELY(next <= entry.now)) next = skip_missed_deadlines(cpu, entry.now);
  cpu.next_deadline = next;
  machine::timer_arm_oneshot(next);
  machine::end_of_interrupt();
  cpu.ticks += 1;
  cpu.current->ticks_run++;
  // The tick stands for its grid time, even when the timer fired a little early.
  const Cycles tick_time = entry.now > due ? entry.now : due;
  if (PRISTINE_UNLIKELY(tick_time >= cpu.housekeeping_at)) return tick_housekeeping(cpu, frame, tick_time);
  return frame;
}

}  // namespace pristine
