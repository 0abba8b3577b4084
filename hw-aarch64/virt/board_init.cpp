// The AArch64 kernel's board entry on QEMU's `virt` board (after
// hw-aarch64/virt/boot.S turned the MMU on): the CPU's index, the GICv3 and
// the timer's interrupt, the boot information core/ reads, then core/'s
// kernel_main; and each secondary CPU's, after virt/secondary_entry.S. It
// runs a fixed set of tasks on the CPUs QEMU has for a fixed time
// (docs/aarch64.md: a command line comes next).
#include <cstdint>

#include "core/boot_info.h"
#include "core/console.h"
#include "core/kernel_main.h"
#include "core/sched/task.h"
#include "core/smp/secondary_cpus.h"
#include "hw-aarch64/cpu/cycle_counter.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/generic_timer.h"
#include "hw-aarch64/virt/gicv3.h"
#include "hw-aarch64/virt/psci.h"

namespace pristine::virt {
namespace {

constexpr std::uint32_t kTickHz = 1000;
constexpr std::uint64_t kRunMilliseconds = 200;

// The cycle counter's rate, against the generic timer over 10 ms of it (as
// the PC measures its TSC against the PIT); rounded to a whole kHz.
std::uint64_t measure_cycles_per_second() {
  const std::uint64_t timer_hz = timer_frequency();
  const std::uint64_t span = timer_hz / 100;
  const std::uint64_t timer_start = timer_now();
  const std::uint64_t cycles_start = aarch64::cycle_counter();
  while (timer_now() - timer_start < span) {
  }
  const std::uint64_t cycles = aarch64::cycle_counter() - cycles_start;
  const std::uint64_t timer_ticks = timer_now() - timer_start;
  const std::uint64_t hz = cycles * timer_hz / timer_ticks;  // 10 ms of cycles times the timer's rate: far below 2^64
  return (hz + 500) / 1000 * 1000;
}

// The CPUs QEMU was given (-smp): PSCI's AFFINITY_INFO answers for each
// that exists (on, off or coming up) and refuses one that does not.
std::uint32_t count_cpus() {
  std::uint32_t cpus = 1;
  while (cpus < kMaxCpus && psci_affinity_info(cpus) >= 0) ++cpus;
  return cpus;
}

// Each CPU's cycle counter counts from its own start; core/ reads one
// clock on every CPU (as the PC's synchronized TSCs). The boot CPU marks an
// epoch on the global generic timer; a secondary sets its counter to the
// boot CPU's at that timer count plus the cycles since (32.32 fixed point:
// within a timer tick, 16 cycles on virt).
std::uint64_t g_epoch_timer = 0;
std::uint64_t g_epoch_cycles = 0;
std::uint64_t g_cycles_per_timer_tick = 0;  // 32.32

void mark_clock_epoch() {
  g_cycles_per_timer_tick = (g_cycles_per_second << 32) / timer_frequency();
  g_epoch_timer = timer_now();
  g_epoch_cycles = aarch64::cycle_counter();
}

void align_cycle_counter() {
  const std::uint64_t elapsed = timer_now() - g_epoch_timer;
  const auto cycles = static_cast<std::uint64_t>((static_cast<unsigned __int128>(elapsed) * g_cycles_per_timer_tick) >> 32);
  PRISTINE_WRITE_SYSREG(pmccntr_el0, g_epoch_cycles + cycles);
  aarch64::isb();
}

void add_task(BootInfo& info, const char* name, UserProgram program, std::uint32_t priority = 0) {
  BootTask& task = info.tasks[info.task_count++];
  for (std::uint32_t i = 0; i + 1 < kTaskNameLength && name[i] != '\0'; ++i) task.name[i] = name[i];
  task.program = program;
  task.cpu = kAnyCpu;
  task.priority = priority;
}

}  // namespace
}  // namespace pristine::virt

extern "C" [[noreturn]] void aarch64_main() {
  using namespace pristine;
  PRISTINE_WRITE_SYSREG(tpidr_el1, 0);  // machine::cpu_id() of the boot CPU
  virt::gic_init_distributor();
  virt::gic_init_this_cpu(0);
  virt::gic_enable_private(0, virt::kVirtualTimerIntid);
  aarch64::cycle_counter_enable();
  virt::g_cycles_per_second = virt::measure_cycles_per_second();
  virt::mark_clock_epoch();
  // Timer ticks per cycle, 32.32 fixed point, rounded up (the timer's rate
  // shifted by 32 stays below 2^64 for any rate under 4 GHz).
  virt::g_timer_ticks_per_cycle =
      ((virt::timer_frequency() << 32) + virt::g_cycles_per_second - 1) / virt::g_cycles_per_second;

  BootInfo& info = pristine_boot_info;
  info.magic = kBootInfoMagic;
  info.cpu_count = virt::count_cpus();
  info.tick_hz = virt::kTickHz;
  info.clock_hz = virt::g_cycles_per_second;
  info.run_cycles = info.clock_hz * virt::kRunMilliseconds / 1000;
  info.clock_unit = ClockUnit::CpuCycles;  // the PMU's cycle counter
  info.drivers = 0;  // no 16550, no e1000 on this board
  // Two EL0 counters, five system-call conformance programs (C++, the same
  // as the PC's: each checks every success and error of its calls, round
  // after round, and exits on a wrong result) and a kernel thread.
  // syscall-ipc runs at priority 2, as in scenarios/ipc.toml: its wake-order
  // check has a sender lower its priority by one, which at 0 is -EINVAL (the
  // sender exits and the main thread waits for it, 100 000 yields at most).
  virt::add_task(info, "counter-a", UserProgram::Counter);
  virt::add_task(info, "counter-b", UserProgram::Counter);
  virt::add_task(info, "syscall-sync", UserProgram::SyscallSync);
  virt::add_task(info, "syscall-memory", UserProgram::SyscallMemory);
  virt::add_task(info, "syscall-files", UserProgram::SyscallFiles);
  virt::add_task(info, "syscall-ipc", UserProgram::SyscallIpc, 2);
  virt::add_task(info, "syscall-debug", UserProgram::SyscallDebug);
  virt::add_task(info, "kcounter", UserProgram::KernelCounter);
  console::write("virt: GICv3, generic timer ");
  console::write_dec(virt::timer_frequency());
  console::write(" Hz, cycle counter ");
  console::write_dec(info.clock_hz);
  console::write(" Hz, run ");
  console::write_dec(virt::kRunMilliseconds);
  console::write(" ms, ");
  console::write_dec(info.cpu_count);
  console::write(info.cpu_count == 1 ? " CPU\n" : " CPUs\n");
  kernel_main();
}

// Each secondary CPU's stack until it enters the scheduler
// (virt/secondary_entry.S indexes it by the CPU's number).
alignas(16) std::uint8_t pristine_secondary_stacks[pristine::kMaxCpus + 1][16 * 1024];

// A secondary CPU, its MMU on (virt/secondary_entry.S): its index, its
// redistributor and the timer's interrupt, its cycle counter; then core/.
extern "C" [[noreturn]] void aarch64_secondary_main(std::uint64_t cpu) {
  using namespace pristine;
  PRISTINE_WRITE_SYSREG(tpidr_el1, cpu);
  const auto id = static_cast<std::uint32_t>(cpu);
  virt::gic_init_this_cpu(id);
  virt::gic_enable_private(id, virt::kVirtualTimerIntid);
  aarch64::cycle_counter_enable();
  virt::align_cycle_counter();
  kernel_secondary_main(CpuId{id});
}
