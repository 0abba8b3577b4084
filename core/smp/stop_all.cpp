#include "core/smp/stop_all.h"

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/smp/cpu_set.h"

namespace pristine::smp {

std::atomic<CpuMask> g_online_cpus{0};

void stop_other_cpus() {
  const CpuMask others = online_cpus() & ~bit(machine::cpu_id());
  for (CpuMask left = others; left != 0; left &= left - 1) {
    machine::send_ipi(static_cast<CpuId>(__builtin_ctz(left)), vectors::kIpiStopAll);
  }
  // A CPU spinning with interrupts off (or panicking too) never answers: give up after a while.
  for (std::uint32_t spins = 0; (online_cpus() & others) != 0 && spins < (1u << 22); ++spins) {
    machine::cpu_relax();
  }
}

// Reached from the stop-all IPI's handler, never to return: a slow path by design.
PRISTINE_COLD void stop_this_cpu(CpuLocal& cpu) {
  cpu.stopped_at = machine::now();
  g_online_cpus.fetch_and(~bit(cpu.id), std::memory_order_release);
  machine::halt_forever();
}

}  // namespace pristine::smp
