// The AArch64 kernel's board entry on QEMU's `virt` board (after
// hw-aarch64/cpu/boot.S turned the MMU on): the CPU's index, the GICv3 and
// the timer's interrupt, the boot information core/ reads, then core/'s
// kernel_main; and each secondary CPU's, after cpu/secondary_entry.S. The
// run (time, tick, tasks) is the kernel command line's, as on the PC
// (core/boot/command_line.h): QEMU's -append, read from the device tree's
// /chosen/bootargs; without task= words, a fixed default set of tasks.
#include <cstddef>
#include <cstdint>

#include "core/boot/boot_console.h"
#include "core/boot/command_line.h"
#include "core/boot/device_tree.h"
#include "core/boot_info.h"
#include "core/console.h"
#include "core/kernel_main.h"
#include "core/machine.h"
#include "core/sched/task.h"
#include "core/smp/secondary_cpus.h"
#include "hw-aarch64/cpu/cycle_counter.h"
#include "hw-aarch64/cpu/kernel_layout.h"
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-aarch64/cpu/pan.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/generic_timer.h"
#include "hw-aarch64/virt/gicv3.h"
#include "hw-aarch64/virt/psci.h"

extern "C" char __kernel_start[];  // cpu/kernel.ld

namespace pristine::virt {
namespace {

// Cycles per tick at least, as on the PC (hw-x86_64/pc/board_init.cpp): a
// shorter period livelocks the kernel.
constexpr std::uint64_t kMinTickPeriod = 10'000;

// Told by the parser of each word it refused or clamped: one console line.
void command_line_notice(const char* what, const char* word, std::size_t length) {
  boot::write_command_line_notice("virt", what, word, length);
}

// The command line from the device tree. For an ELF image QEMU's virt board
// does not pass the tree's address in x0 (x0 is 0 at entry): it places the
// tree at the start of RAM when the image is loaded above it, and lets it
// run up to the image (hw/arm/boot.c: dtb_start = loader_start, dtb_limit =
// the image's lowest address), here 2 MiB (docs/aarch64.md). The tree is
// untrusted input: a malformed one refuses the boot (a failure verdict);
// one without /chosen/bootargs (no -append) gives the defaults.
boot::CommandLine read_command_line() {
  const std::uint64_t limit = aarch64::physical_of(__kernel_start) - aarch64::kRamPhysical;
  const auto* tree = reinterpret_cast<const void*>(aarch64::kKernelOffset + aarch64::kRamPhysical);
  const boot::ChosenProperty bootargs = boot::find_chosen_string(tree, limit, "bootargs");
  if (bootargs.status == boot::DeviceTreeStatus::Absent) return boot::CommandLine{};
  if (bootargs.status != boot::DeviceTreeStatus::Found) {
    console::write("virt: boot refused: the device tree at the start of RAM is malformed: ");
    console::write(boot::device_tree_status_text(bootargs.status));
    console::write("\nverdict fail\n");
    machine::power_off(1);
  }
  std::size_t length = bootargs.length;
  if (length > boot::kMaxCommandLineLength) {
    length = boot::kMaxCommandLineLength;
    console::write("virt: command line longer than 4096 bytes: the rest is ignored\n");
  }
  return boot::parse_command_line(bootargs.value, length, command_line_notice);
}

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

// Without task= words: two EL0 counters, five system-call conformance
// programs (C++, the same as the PC's: each checks every success and error
// of its calls, round after round, and exits on a wrong result) and a
// kernel thread. syscall-ipc runs at priority 2, as in scenarios/ipc.toml:
// its wake-order check has a sender lower its priority by one, which at 0 is
// -EINVAL (the sender exits and the main thread waits for it, 100 000
// yields at most).
void add_default_tasks(BootInfo& info) {
  add_task(info, "counter-a", UserProgram::Counter);
  add_task(info, "counter-b", UserProgram::Counter);
  add_task(info, "syscall-sync", UserProgram::SyscallSync);
  add_task(info, "syscall-memory", UserProgram::SyscallMemory);
  add_task(info, "syscall-files", UserProgram::SyscallFiles);
  add_task(info, "syscall-ipc", UserProgram::SyscallIpc, 2);
  add_task(info, "syscall-debug", UserProgram::SyscallDebug);
  add_task(info, "kcounter", UserProgram::KernelCounter);
}

}  // namespace
}  // namespace pristine::virt

extern "C" [[noreturn]] void aarch64_main() {
  using namespace pristine;
  PRISTINE_WRITE_SYSREG(tpidr_el1, 0);  // machine::cpu_id() of the boot CPU
  aarch64::pan_enable_on_this_cpu();
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

  boot::CommandLine line = virt::read_command_line();
  // As on the PC: a tick period under kMinTickPeriod cycles is clamped.
  if (line.tick_hz > virt::g_cycles_per_second / virt::kMinTickPeriod) {
    line.tick_hz = static_cast<std::uint32_t>(virt::g_cycles_per_second / virt::kMinTickPeriod);
    if (line.tick_hz == 0) line.tick_hz = 1;
    console::write("virt: tick= leaves under 10000 cycles per tick on this clock: clamped to ");
    console::write_dec(line.tick_hz);
    console::write(" Hz\n");
  }

  BootInfo& info = pristine_boot_info;
  info.magic = kBootInfoMagic;
  // The CPUs QEMU has; cpus= (which pristine boot writes with -smp) only
  // checked the pins of task= words against it.
  info.cpu_count = virt::count_cpus();
  info.tick_hz = line.tick_hz;
  info.clock_hz = virt::g_cycles_per_second;
  // Whole seconds and the microseconds past them apart: no 128-bit division
  // (a libgcc call; nothing links libgcc), and neither product passes 2^64
  // for run_us up to kMaxRunSeconds and any clock under 4 GHz.
  info.run_cycles = line.run_us / 1'000'000 * info.clock_hz + line.run_us % 1'000'000 * info.clock_hz / 1'000'000;
  // Under QEMU -icount the cycle counter advances per retired instruction.
  info.clock_unit = line.icount ? ClockUnit::RetiredInstructions : ClockUnit::CpuCycles;
  if (line.drivers != 0) console::write("virt: driver= ignored: this board has no 16550 and no e1000\n");
  if (line.line8_hz != 0) console::write("virt: line8_hz= ignored: this board raises no device line\n");
  info.drivers = 0;
  if (line.task_count != 0) {
    for (std::uint32_t i = 0; i < line.task_count; ++i) info.tasks[i] = line.tasks[i];
    info.task_count = line.task_count;
  } else {
    virt::add_default_tasks(info);
  }
  console::write("virt: GICv3, generic timer ");
  console::write_dec(virt::timer_frequency());
  console::write(" Hz, cycle counter ");
  console::write_dec(info.clock_hz);
  console::write(line.icount ? " Hz (icount: counts instructions), tick " : " Hz, tick ");
  console::write_dec(info.tick_hz);
  console::write(" Hz, run ");
  boot::write_seconds(line.run_us);
  console::write(" s, ");
  console::write_dec(info.cpu_count);
  console::write(info.cpu_count == 1 ? " CPU\n" : " CPUs\n");
  kernel_main();
}

// A secondary CPU, its MMU on (cpu/secondary_entry.S): its index, its
// redistributor and the timer's interrupt, its cycle counter; then core/.
extern "C" [[noreturn]] void aarch64_secondary_main(std::uint64_t cpu) {
  using namespace pristine;
  PRISTINE_WRITE_SYSREG(tpidr_el1, cpu);
  aarch64::pan_enable_on_this_cpu();
  const auto id = static_cast<std::uint32_t>(cpu);
  virt::gic_init_this_cpu(id);
  virt::gic_enable_private(id, virt::kVirtualTimerIntid);
  aarch64::cycle_counter_enable();
  virt::align_cycle_counter();
  kernel_secondary_main(CpuId{id});
}
