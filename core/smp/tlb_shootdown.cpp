#include "core/smp/tlb_shootdown.h"

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/sched/scheduler.h"
#include "core/smp/cpu_set.h"

namespace pristine::smp {
namespace {

PRISTINE_HOT void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

PRISTINE_HOT TrapFrame* shootdown_page(CpuLocal& cpu, TrapFrame* frame, VirtAddr page) {
  const CpuMask targets = online_cpus() & ~bit(cpu.id);
  if (targets == 0) return frame;
  bump(cpu.shootdowns);
  cpu.shootdown_page.store(page, std::memory_order_relaxed);
  cpu.shootdown_waiter = cpu.current;
  cpu.shootdown_deadline = machine::now() + kShootdownTimeoutTicks * cpu.tick_period;
  cpu.shootdown_pending.store(targets, std::memory_order_release);
  for (CpuMask left = targets; left != 0; left &= left - 1) {
    machine::send_ipi(static_cast<CpuId>(__builtin_ctz(left)), vectors::kIpiTlbShootdown);
  }
#ifdef PRISTINE_BREAK_SHOOTDOWN_NO_WAIT
  return frame;  // test-only breakage: go on before the targets flushed; the simulator must catch it
#else
  return sched::block_current(cpu, frame);
#endif
}

PRISTINE_HOT TrapFrame* serve_shootdowns(CpuLocal& cpu, TrapFrame* frame) {
  const CpuMask me = bit(cpu.id);
  CpuMask asking = 0;
  for (CpuMask others = online_cpus() & ~me; others != 0; others &= others - 1) {
    const auto id = static_cast<CpuId>(__builtin_ctz(others));
    if (g_cpu_local[id].shootdown_pending.load(std::memory_order_acquire) & me) asking |= bit(id);
  }
  if (asking == 0) return frame;
  // Bounded work per interrupt: one request, then ask ourselves again (a
  // self-IPI, taken right after this one) for the rest.
  if ((asking & (asking - 1)) != 0) machine::send_ipi(cpu.id, vectors::kIpiTlbShootdown);
  CpuLocal& from = g_cpu_local[__builtin_ctz(asking)];
  machine::flush_tlb_page(from.shootdown_page.load(std::memory_order_relaxed));
  bump(cpu.shootdown_flushes);
  // Read the waiter before our bit goes: after the last bit, the initiator may start the next shootdown.
  Task* waiter = from.shootdown_waiter;
  if (from.shootdown_pending.fetch_and(~me, std::memory_order_acq_rel) != me) return frame;
  return sched::wake_blocked(cpu, frame, *waiter);
}

PRISTINE_HOT TrapFrame* check_shootdown_timeout(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  if (PRISTINE_LIKELY(cpu.shootdown_pending.load(std::memory_order_relaxed) == 0) || now < cpu.shootdown_deadline) {
    return frame;
  }
  // Take the request back; a late answer then finds no bit to clear and wakes nobody.
  if (cpu.shootdown_pending.exchange(0, std::memory_order_acq_rel) == 0) return frame;
  bump(cpu.shootdown_timeouts);
  return sched::wake_blocked(cpu, frame, *cpu.shootdown_waiter);
}

}  // namespace pristine::smp
