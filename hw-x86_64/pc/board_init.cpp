// Boot of the PC image, after pvh_entry.S has entered long mode in the higher
// half: CPU tables, devices, clocks, BootInfo, then the arch-neutral kernel.
#include <cstddef>
#include <cstdint>

#include "core/boot/boot_console.h"
#include "core/boot/command_line.h"
#include "core/boot_info.h"
#include "core/console.h"
#include "core/drivers/driver_table.h"
#include "core/kernel_main.h"
#include "core/test_hook.h"
#include "hw-x86_64/cpu/cpu_init.h"
#include "hw-x86_64/pc/hpet.h"
#include "hw-x86_64/pc/ioapic.h"
#include "hw-x86_64/pc/pci.h"
#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pc_clock.h"
#include "hw-x86_64/pc/pic.h"
#include "hw-x86_64/pc/serial.h"

namespace pristine::pc {
namespace {

constexpr std::uint32_t kPvhMagic = 0x336ec578;
// Cycles per tick at least: 100 kHz on QEMU -icount's 1 GHz clock runs, and
// 500 kHz (2000 cycles, a scenario's minimum on the simulator) never ends.
constexpr std::uint64_t kMinTickPeriod = 10'000;

// hvm_start_info (Xen public/arch-x86/hvm/start_info.h), as far as we use it.
struct StartInfo {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t flags;
  std::uint32_t nr_modules;
  std::uint64_t modlist_paddr;
  std::uint64_t cmdline_paddr;
};

// Told by the parser of each word it refused or clamped: one console line.
void command_line_notice(const char* what, const char* word, std::size_t length) {
  boot::write_command_line_notice("pc", what, word, length);
}

// The command line (core/boot/command_line.h) from the PVH start info: at most
// kMaxCommandLineLength bytes are read.
boot::CommandLine read_command_line(std::uint32_t start_info_phys) {
  using boot::kMaxCommandLineLength;
  // The low GiB is identity-mapped: physical addresses are usable as is.
  const auto* info = reinterpret_cast<const StartInfo*>(static_cast<std::uintptr_t>(start_info_phys));
  if (!info || info->magic != kPvhMagic || info->cmdline_paddr == 0) return boot::CommandLine{};
  const char* text = reinterpret_cast<const char*>(info->cmdline_paddr);
  std::size_t length = 0;
  while (length < kMaxCommandLineLength && text[length] != '\0') ++length;
  if (length == kMaxCommandLineLength) {
    console::write("pc: command line longer than 4096 bytes: the rest is ignored\n");
  }
  return boot::parse_command_line(text, length, command_line_notice);
}

void add_task(BootInfo& info, const char* name, UserProgram program, std::uint32_t priority, std::uint64_t arg) {
  BootTask& task = info.tasks[info.task_count++];
  unsigned i = 0;
  for (; name[i] && i + 1 < kTaskNameLength; ++i) task.name[i] = name[i];
  task.name[i] = '\0';
  task.program = program;
  task.cpu = kAnyCpu;
  task.priority = priority;
  task.arg = arg;
}

}  // namespace
}  // namespace pristine::pc

extern "C" [[noreturn]] void pc_board_main(std::uint32_t start_info_phys) {
  using namespace pristine;
  pc::serial_init();
  x86::cpu_init(0);
  PRISTINE_TEST_HOOK(boot_cpu_ready);
  pc::pic_remap_and_mask();
  pc::ioapic_mask_all();  // drivers route their own lines (machine::enable_device_line)
  boot::CommandLine line = pc::read_command_line(start_info_phys);
  pc::lapic_init();
  const pc::ClockRates rates = pc::calibrate_clocks();
  pc::lapic_timer_start(rates.lapic_timer_hz, rates.tsc_hz);
  // A tick period under kMinTickPeriod cycles livelocks the kernel (and a
  // zero one panics it): the rate is clamped.
  if (line.tick_hz > rates.tsc_hz / pc::kMinTickPeriod) {
    line.tick_hz = static_cast<std::uint32_t>(rates.tsc_hz / pc::kMinTickPeriod);
    if (line.tick_hz == 0) line.tick_hz = 1;
    console::write("pc: tick= leaves under 10000 cycles per tick on this clock: clamped to ");
    console::write_dec(line.tick_hz);
    console::write(" Hz\n");
  }

  if (line.line8_hz != 0) {
    // After the calibration: the HPET's legacy route disconnects the PIT.
    if (pc::hpet_raise_line_periodically(line.line8_hz)) {
      console::write("pc: the HPET raises device line 8 at ");
      console::write_dec(line.line8_hz);
      console::write(" Hz\n");
    } else {
      console::write("pc: line8_hz= ignored: no HPET with a periodic timer 1\n");
    }
  }

  console::write("pc: TSC ");
  console::write_dec(rates.tsc_hz);
  console::write(line.icount ? " Hz (icount: counts instructions), LAPIC timer " : " Hz, LAPIC timer ");
  console::write_dec(rates.lapic_timer_hz);
  console::write(" Hz, run ");
  boot::write_seconds(line.run_us);
  console::write(" s\n");

  BootInfo& info = pristine_boot_info;
  info.magic = kBootInfoMagic;
  info.cpu_count = line.cpus == 0 ? 1 : line.cpus;
  info.tick_hz = line.tick_hz;
  info.clock_hz = rates.tsc_hz;
  // 128-bit product: run_us is at most kMaxRunSeconds, so the result fits.
  info.run_cycles = static_cast<std::uint64_t>(static_cast<unsigned __int128>(line.run_us) * rates.tsc_hz / 1'000'000);
  // Under QEMU -icount the TSC advances per retired instruction.
  info.clock_unit = line.icount ? ClockUnit::RetiredInstructions : ClockUnit::CpuCycles;
  info.drivers = line.drivers;
  if (info.drivers & drivers::driver_bit(drivers::DriverId::Nic0)) {
    // nic0 is a PCI device: the firmware placed it; without one, no driver.
    const pc::PciNic nic = pc::pci_find_nic();
    if (nic.found) {
      console::write("pc: nic0: e1000 registers at ");
      console::write_hex(nic.registers);
      console::write(", interrupt pin ");
      console::write_dec(nic.pin);
      console::write("\n");
    } else {
      console::write("pc: driver=nic0: no e1000 on PCI bus 0 (QEMU -device e1000) with its registers below 4 GiB: not started\n");
      info.drivers &= ~drivers::driver_bit(drivers::DriverId::Nic0);
    }
  }
  if (line.task_count != 0) {
    for (std::uint32_t i = 0; i < line.task_count; ++i) info.tasks[i] = line.tasks[i];
    info.task_count = line.task_count;
  } else {
    pc::add_task(info, "counter-a", UserProgram::Counter, 0, 0);
    pc::add_task(info, "counter-b", UserProgram::Counter, 0, 0);
    pc::add_task(info, "sleeper", UserProgram::Sleeper, 3, 500'000);
    pc::add_task(info, "syscall-check", UserProgram::SyscallCheck, 0, 0);
    pc::add_task(info, "kcounter", UserProgram::KernelCounter, 0, 0);
  }
  kernel_main();
}
