// The AArch64 kernel's board entry on QEMU's `virt` board (after
// hw-aarch64/virt/boot.S turned the MMU on): the CPU's index, the GICv3 and
// the timer's interrupt, the boot information core/ reads, then core/'s
// kernel_main. It runs a fixed set of tasks on one CPU for a fixed time
// (docs/aarch64.md: SMP and a command line come next).
#include <cstdint>

#include "core/boot_info.h"
#include "core/console.h"
#include "core/kernel_main.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/generic_timer.h"
#include "hw-aarch64/virt/gicv3.h"

namespace pristine::virt {
namespace {

constexpr std::uint32_t kTickHz = 1000;
constexpr std::uint64_t kRunMilliseconds = 200;

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

  BootInfo& info = pristine_boot_info;
  info.magic = kBootInfoMagic;
  info.cpu_count = 1;
  info.tick_hz = virt::kTickHz;
  info.clock_hz = virt::timer_frequency();
  info.run_cycles = info.clock_hz * virt::kRunMilliseconds / 1000;
  info.clock_unit = ClockUnit::CpuCycles;  // the generic timer's count (docs/aarch64.md: a unit of its own to come)
  info.drivers = 0;  // no 16550, no e1000 on this board
  // Two EL0 counters, four system-call conformance programs (C++, the same
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
  virt::add_task(info, "kcounter", UserProgram::KernelCounter);
  console::write("virt: GICv3, generic timer ");
  console::write_dec(info.clock_hz);
  console::write(" Hz, run ");
  console::write_dec(virt::kRunMilliseconds);
  console::write(" ms\n");
  kernel_main();
}
