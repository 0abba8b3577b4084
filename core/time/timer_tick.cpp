#include "core/time/timer_tick.h"

#include <atomic>
#include <cstddef>

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/smp/cpu_set.h"
#include "core/smp/tlb_shootdown.h"

namespace pristine {
namespace {

// Test-only breakages of seed 000's rules, each caught by the simulator
// (tests/pristine_rules_test.cpp): work a hot path must never do.
#ifdef PRISTINE_BREAK_ALLOCATE_IN_TICK
PRISTINE_ALLOCATOR void* allocate(std::size_t size) {
  alignas(16) static std::uint8_t arena[1 << 16];
  static std::size_t used = 0;
  if (used + size > sizeof arena) used = 0;
  void* block = &arena[used];
  used += (size + 15) & ~std::size_t{15};
  return block;
}
#endif
#ifdef PRISTINE_BREAK_LOCK_IN_TICK
std::atomic<std::uint32_t> g_tick_lock{0};
PRISTINE_WAITING_LOCK void lock_acquire(std::atomic<std::uint32_t>& lock) {
  while (lock.exchange(1, std::memory_order_acquire) != 0) machine::cpu_relax();
}
#endif
#ifdef PRISTINE_BREAK_PAGE_WALK_IN_TICK
// A software walk over a four-level table (what a translate_address() does).
constinit std::uint64_t g_walk_tables[4][512] = {};
PRISTINE_PAGE_WALKER std::uint64_t translate(VirtAddr address) {
  std::uint64_t entry = reinterpret_cast<std::uint64_t>(g_walk_tables[0]);
  for (int level = 0; level < 4; ++level) {
    const auto* table = reinterpret_cast<const volatile std::uint64_t*>(entry & ~std::uint64_t{0xFFF});
    entry = table[(address >> (39 - 9 * level)) & 511];
    if (entry == 0) return 0;
  }
  return entry;
}
#endif

// Test-only breakages of the tick itself: work a tick must never do, each
// caught by the simulator or the budget gate.
[[gnu::always_inline]] inline void broken_tick_work([[maybe_unused]] TrapFrame* frame) {
#ifdef PRISTINE_BREAK_ALLOCATE_IN_TICK
  static_cast<volatile std::uint8_t*>(allocate(64))[0] = 1;
#endif
#ifdef PRISTINE_BREAK_LOCK_IN_TICK
  lock_acquire(g_tick_lock);
  g_tick_lock.store(0, std::memory_order_release);
#endif
#ifdef PRISTINE_BREAK_PAGE_WALK_IN_TICK
  static_cast<void>(translate(reinterpret_cast<VirtAddr>(frame)));
#endif
#ifdef PRISTINE_BREAK_BUSY_WAIT_IN_TICK
  for (const Cycles until = machine::now() + 2000; machine::now() < until;) {
  }
#endif
#ifdef PRISTINE_BREAK_TIMER_CONSOLE
  machine::console_write("t", 1);  // one UART character per tick; the budget gate must fail
#endif
#ifdef PRISTINE_BREAK_DOUBLE_EOI
  machine::end_of_interrupt();  // a second EOI; the simulator must catch it
#endif
}

// The periodic chores: one balancing look, and this CPU's shootdown requests
// that are past their deadline taken back. They fall due on the tick grid
// whatever the state of the CPU, so no look is ever skipped for good. The
// frame to resume if they did work (moved a task away, switched), else
// nullptr.
PRISTINE_HOT TrapFrame* run_chores(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  cpu.chores_at = cpu.next_deadline + (kChoreIntervalTicks - 1) * cpu.tick_period;
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
  cpu.chores_at = cpu.next_deadline + (kChoreIntervalTicks - 1) * period;
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
  return cpu.next_deadline + (behind + 1) * cpu.tick_period;
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
  broken_tick_work(frame);
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
