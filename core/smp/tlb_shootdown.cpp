#include "core/smp/tlb_shootdown.h"

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/smp/cpu_set.h"

namespace pristine::smp {
namespace {

PRISTINE_HOT void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

PRISTINE_HOT void shootdown_page(CpuLocal& cpu, VirtAddr page) {
  const CpuMask targets = online_cpus() & ~bit(cpu.id);
  if (targets == 0) return;
  bump(cpu.shootdowns);
  cpu.shootdown_page.store(page, std::memory_order_relaxed);
  cpu.shootdown_pending.store(targets, std::memory_order_release);
  for (CpuMask left = targets; left != 0; left &= left - 1) {
    machine::send_ipi(static_cast<CpuId>(__builtin_ctz(left)), vectors::kIpiTlbShootdown);
  }
#ifndef PRISTINE_BREAK_SHOOTDOWN_NO_WAIT
  for (std::uint32_t spins = 0; cpu.shootdown_pending.load(std::memory_order_acquire) != 0; ++spins) {
    if (PRISTINE_UNLIKELY(spins == kShootdownSpinLimit)) {
      bump(cpu.shootdown_timeouts);
      return;
    }
    serve_shootdowns(cpu);
    machine::cpu_relax();
  }
#endif
}

PRISTINE_HOT void serve_shootdowns(CpuLocal& cpu) {
  const CpuMask me = bit(cpu.id);
  for (CpuMask others = online_cpus() & ~me; others != 0; others &= others - 1) {
    CpuLocal& from = g_cpu_local[__builtin_ctz(others)];
    if ((from.shootdown_pending.load(std::memory_order_acquire) & me) == 0) continue;
    machine::flush_tlb_page(from.shootdown_page.load(std::memory_order_relaxed));
    from.shootdown_pending.fetch_and(~me, std::memory_order_release);
    bump(cpu.shootdown_flushes);
  }
}

}  // namespace pristine::smp
