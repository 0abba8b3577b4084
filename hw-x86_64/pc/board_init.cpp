// Boot of the PC image, after pvh_entry.S has entered long mode in the higher
// half: CPU tables, devices, clocks, BootInfo, then the arch-neutral kernel.
#include <cstdint>

#include "core/boot_info.h"
#include "core/console.h"
#include "core/kernel_main.h"
#include "hw-x86_64/cpu/cpu_init.h"
#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pc_clock.h"
#include "hw-x86_64/pc/pic.h"
#include "hw-x86_64/pc/serial.h"

namespace pristine::pc {
namespace {

constexpr std::uint32_t kPvhMagic = 0x336ec578;

// hvm_start_info (Xen public/arch-x86/hvm/start_info.h), as far as we use it.
struct StartInfo {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t flags;
  std::uint32_t nr_modules;
  std::uint64_t modlist_paddr;
  std::uint64_t cmdline_paddr;
};

// Kernel command line: space-separated words; `seconds=S` (decimal, e.g. 1 or
// 0.25; 0 runs forever), `tick=HZ`, `cpus=N`,
// `icount`, and any number of `task=NAME:PROGRAM:PRIORITY:ARG[:CPU]` (pinned to CPU if given; PROGRAM one of
// counter, sleeper, yielder, syscall-check, kernel-counter; `pristine boot
// --scenario` writes these from a scenario's [[task]] tables).
struct CommandLine {
  std::uint64_t run_us = 1'000'000;  // `seconds=`, in microseconds
  std::uint32_t tick_hz = 1000;
  std::uint32_t cpus = 1;  // `cpus=N`: how many CPUs to start (pristine boot --smp N writes it)
  bool icount = false;
  std::uint32_t task_count = 0;
  BootTask tasks[kMaxBootTasks] = {};
};

bool starts_with(const char* s, const char* prefix) {
  while (*prefix) {
    if (*s++ != *prefix++) return false;
  }
  return true;
}

std::uint64_t parse_number(const char* s) {
  std::uint64_t v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + static_cast<std::uint64_t>(*s++ - '0');
  return v;
}

// "S" or "S.FFFFFF": microseconds (digits past the sixth decimal are dropped).
std::uint64_t parse_microseconds(const char* s) {
  std::uint64_t us = parse_number(s) * 1'000'000;
  while (*s >= '0' && *s <= '9') ++s;
  if (*s == '.') {
    ++s;
    for (std::uint64_t scale = 100'000; *s >= '0' && *s <= '9'; ++s, scale /= 10) {
      us += static_cast<std::uint64_t>(*s - '0') * scale;
    }
  }
  return us;
}

// Microseconds as seconds, e.g. "1", "0.25".
void write_seconds(std::uint64_t us) {
  console::write_dec(us / 1'000'000);
  std::uint64_t fraction = us % 1'000'000;
  if (fraction == 0) return;
  char digits[8] = {'.'};
  unsigned n = 1;
  for (std::uint64_t scale = 100'000; fraction != 0; scale /= 10) {
    digits[n++] = static_cast<char>('0' + fraction / scale);
    fraction %= scale;
  }
  digits[n] = '\0';
  console::write(digits);
}

bool word_is(const char* s, const char* end, const char* word) {
  while (s < end && *word && *s == *word) {
    ++s;
    ++word;
  }
  return s == end && *word == '\0';
}

// NAME:PROGRAM:PRIORITY:ARG, up to the next space. False if malformed.
bool parse_task(const char* p, BootTask& task) {
  const char* field[5] = {p, nullptr, nullptr, nullptr, nullptr};
  const char* end = p;
  unsigned n = 1;
  for (; *end && *end != ' '; ++end) {
    if (*end == ':' && n < 5) field[n++] = end + 1;
  }
  if (n != 4 && n != 5) return false;
  task.cpu = n == 5 ? static_cast<std::uint32_t>(parse_number(field[4])) : kAnyCpu;
  unsigned i = 0;
  for (const char* c = field[0]; c + 1 < field[1] && i + 1 < kTaskNameLength; ++c) task.name[i++] = *c;
  task.name[i] = '\0';
  const char* program_end = field[2] - 1;
  if (n == 5 && (*field[4] < '0' || *field[4] > '9')) return false;
  if (word_is(field[1], program_end, "counter")) task.program = UserProgram::Counter;
  else if (word_is(field[1], program_end, "sleeper")) task.program = UserProgram::Sleeper;
  else if (word_is(field[1], program_end, "yielder")) task.program = UserProgram::Yielder;
  else if (word_is(field[1], program_end, "syscall-check")) task.program = UserProgram::SyscallCheck;
  else if (word_is(field[1], program_end, "kernel-counter")) task.program = UserProgram::KernelCounter;
  else if (word_is(field[1], program_end, "fault-divide")) task.program = UserProgram::FaultDivide;
  else if (word_is(field[1], program_end, "fault-ud2")) task.program = UserProgram::FaultUd2;
  else if (word_is(field[1], program_end, "fault-privileged")) task.program = UserProgram::FaultPrivileged;
  else if (word_is(field[1], program_end, "fault-read")) task.program = UserProgram::FaultRead;
  else if (word_is(field[1], program_end, "fault-write")) task.program = UserProgram::FaultWrite;
  else if (word_is(field[1], program_end, "fault-stack-overflow")) task.program = UserProgram::FaultStack;
  else if (word_is(field[1], program_end, "fault-misaligned")) task.program = UserProgram::FaultMisaligned;
  else if (word_is(field[1], program_end, "kernel-stack-overflow")) task.program = UserProgram::KernelStackOverflow;
  else if (word_is(field[1], program_end, "heap-toucher")) task.program = UserProgram::HeapToucher;
  else if (word_is(field[1], program_end, "pinger")) task.program = UserProgram::Pinger;
  else if (word_is(field[1], program_end, "unmapper")) task.program = UserProgram::Unmapper;
  else return false;
  task.priority = static_cast<std::uint32_t>(parse_number(field[2]));
  task.arg = parse_number(field[3]);
  return i > 0;
}

CommandLine parse_command_line(std::uint32_t start_info_phys) {
  CommandLine line;
  // The low GiB is identity-mapped: physical addresses are usable as is.
  const auto* info = reinterpret_cast<const StartInfo*>(static_cast<std::uintptr_t>(start_info_phys));
  if (!info || info->magic != kPvhMagic || info->cmdline_paddr == 0) return line;
  const char* p = reinterpret_cast<const char*>(info->cmdline_paddr);
  while (*p) {
    while (*p == ' ') ++p;
    if (starts_with(p, "seconds=")) line.run_us = parse_microseconds(p + 8);
    if (starts_with(p, "tick=")) line.tick_hz = static_cast<std::uint32_t>(parse_number(p + 5));
    if (starts_with(p, "cpus=")) line.cpus = static_cast<std::uint32_t>(parse_number(p + 5));
    if (starts_with(p, "icount") && (p[6] == ' ' || p[6] == '\0')) line.icount = true;
    if (starts_with(p, "task=") && line.task_count < kMaxBootTasks) {
      if (parse_task(p + 5, line.tasks[line.task_count])) {
        ++line.task_count;
      } else {
        console::write("pc: ignoring malformed task= word\n");
      }
    }
    while (*p && *p != ' ') ++p;
  }
  if (line.tick_hz == 0) line.tick_hz = 1000;
  return line;
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
#ifdef PRISTINE_BREAK_TRIPLE_FAULT
  // Test-only breakage: an empty IDT, then a trap. The CPU cannot deliver it,
  // nor the #GP, nor the #DF: a triple fault, which must never read as a pass.
  const struct [[gnu::packed]] { std::uint16_t limit; std::uint64_t base; } empty_idt{0, 0};
  asm volatile("lidt %0; int3" ::"m"(empty_idt));
#endif
  pc::pic_remap_and_mask();
  const pc::CommandLine line = pc::parse_command_line(start_info_phys);
  pc::lapic_init();
  const pc::ClockRates rates = pc::calibrate_clocks();
  pc::lapic_timer_start(rates.lapic_timer_hz, rates.tsc_hz);

  console::write("pc: TSC ");
  console::write_dec(rates.tsc_hz);
  console::write(line.icount ? " Hz (icount: counts instructions), LAPIC timer " : " Hz, LAPIC timer ");
  console::write_dec(rates.lapic_timer_hz);
  console::write(" Hz, run ");
  pc::write_seconds(line.run_us);
  console::write(" s\n");

  BootInfo& info = pristine_boot_info;
  info.magic = kBootInfoMagic;
  info.cpu_count = line.cpus == 0 ? 1 : line.cpus;
  info.tick_hz = line.tick_hz;
  info.clock_hz = rates.tsc_hz;
  // 128-bit product: exact for any run time that fits the 64-bit result.
  info.run_cycles = static_cast<std::uint64_t>(static_cast<unsigned __int128>(line.run_us) * rates.tsc_hz / 1'000'000);
  info.clock_counts_instructions = line.icount ? 1 : 0;
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
