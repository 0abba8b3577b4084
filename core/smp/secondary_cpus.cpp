#include "core/smp/secondary_cpus.h"

#include "core/console.h"
#include "core/cpu_local.h"
#include "core/sched/scheduler.h"
#include "core/smp/cpu_set.h"
#include "core/test_hook.h"
#include "core/time/timer_tick.h"

namespace pristine {
namespace {

// About 1 ms per slice, at least one tick.
std::uint32_t slice_ticks_for(std::uint32_t tick_hz) {
  const std::uint32_t ticks = tick_hz / 1000;
  return ticks == 0 ? 1 : ticks;
}

}  // namespace

void prepare_cpu(CpuId id, const BootInfo& boot) {
  CpuLocal& cpu = pristine_cpu_local[id];
  cpu.id = id;
  cpu.slice_ticks = slice_ticks_for(boot.tick_hz);
  cpu.clock_hz = boot.clock_hz;
  cpu.idle = sched::create_idle_task(id);
}

void start_secondary_cpus(std::uint32_t count) {
  for (CpuId id = 1; id < count; ++id) {
    bool online = machine::start_cpu(id);
    // Wait until it schedules; a CPU that never gets there is reported and left out.
    for (std::uint32_t spins = 0; online && (smp::online_cpus() & smp::bit(id)) == 0; ++spins) {
      if (spins == (1u << 26)) online = false;
      machine::cpu_relax();
    }
    if (!online) {
      console::write("smp: cpu ");
      console::write_dec(id);
      console::write(" did not start\n");
    }
  }
}

void cpu_enter_scheduler(CpuId id) {
  CpuLocal& cpu = pristine_cpu_local[id];
  const BootInfo& boot = pristine_boot_info;
  timer_start(cpu, Cycles{boot.clock_hz / boot.tick_hz});
  PRISTINE_TEST_HOOK(tick_armed, cpu);
  if (boot.run_cycles != 0) cpu.shutdown_at = cpu.first_deadline + Cycles{boot.run_cycles};
  smp::g_online_cpus.fetch_or(smp::bit(id), std::memory_order_release);
  sched::start(cpu);
}

void kernel_secondary_main(CpuId id) { cpu_enter_scheduler(id); }

}  // namespace pristine
