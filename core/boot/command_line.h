// The kernel command line (QEMU -append) of both boards: the PC reads it from
// the PVH start info (hw-x86_64/pc/board_init.cpp), the AArch64 virt board
// from the device tree's /chosen/bootargs (hw-aarch64/virt/board_init.cpp,
// core/boot/device_tree.h). Text in, CommandLine out. Pure and
// architecture-neutral: no memory but the text it is given, no console;
// compiled into kernel.elf and aarch64-kernel.elf (freestanding) and for the
// host (tests/pc_command_line_test.cpp, tests/fuzz/command_line_fuzz.cpp).
//
// Space-separated words (spelled in command_line_words.def, which the host's
// writer shares):
//   seconds=S    decimal, e.g. 1 or 0.25 (digits past the sixth decimal are
//                dropped); 0 runs forever; at most kMaxRunSeconds
//   tick=HZ      1 .. kMaxTickHz
//   cpus=N       1 .. kMaxCpus (pristine boot --smp N writes it)
//   icount       the TSC counts instructions (QEMU -icount)
//   task=NAME:PROGRAM:PRIORITY:ARG[:CPU]   up to kMaxBootTasks of them
//                (pristine boot --scenario writes these from a scenario's
//                [[task]] tables): NAME 1-15 of a-z A-Z 0-9 - _; PROGRAM one of
//                the names in core/program_list.def (counter, sleeper, ...); PRIORITY
//                0 .. kMaxPriority; ARG a sleeper's nanoseconds (at most
//                kMaxSleepNanoseconds) or a pinger's partner (the index of
//                another task= word that was accepted) or a number the program
//                documents (at most kMaxNumberArg); CPU pins the task,
//                below the cpus= count.
//   driver=NAME  start the driver NAME of core/drivers/driver_list.def
//                (uart0); pristine boot --scenario writes one per driver a
//                [[source]] drives.
//   line8_hz=HZ  1 .. kMaxLine8Hz: the HPET raises device line 8 HZ times a
//                second (hpet.h), for a ring-3 driver bound to it;
//                pristine boot --scenario writes it for a [[source]] on
//                vector 0x48.
// Every number is plain decimal digits and must end the word (or its field).
// A word that breaks a rule is refused (the value keeps its default, the task
// is not started) or, for a value past a bound, clamped; either way the notice
// callback is told once, with what was done and the word. The parser never
// reads past `length` bytes or the first NUL.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/boot_info.h"
#include "core/sched/task.h"

namespace pristine::boot {

inline constexpr std::size_t kMaxCommandLineLength = 4096;  // bytes read at most
inline constexpr std::uint64_t kMaxRunSeconds = 1'000'000;  // ~11.6 days
inline constexpr std::uint32_t kDefaultTickHz = 1000;
inline constexpr std::uint32_t kMaxTickHz = 1'000'000;      // as a scenario's [kernel] tick_hz
inline constexpr std::uint64_t kMaxSleepNanoseconds = 86'400ull * 1'000'000'000;  // the sleep syscall's bound
inline constexpr std::uint32_t kMaxLine8Hz = 100'000;  // a 10 us period: far below it the guest does nothing else
inline constexpr std::uint64_t kMaxNumberArg = (std::uint64_t{1} << 63) - 1;       // ProgramArg::Number, as a scenario's `arg`

struct CommandLine {
  std::uint64_t run_us = 1'000'000;  // `seconds=`, in microseconds; 0 = forever
  std::uint32_t tick_hz = kDefaultTickHz;
  std::uint32_t cpus = 1;
  bool icount = false;
  std::uint32_t drivers = 0;  // BootInfo::drivers
  std::uint32_t line8_hz = 0;  // 0: nothing raises device line 8
  std::uint32_t task_count = 0;
  BootTask tasks[kMaxBootTasks] = {};
};

// Told of each word refused or clamped: `what` says what was done (no
// newline), `word` is the word as given (not NUL-terminated, `length` bytes).
using CommandLineNotice = void (*)(const char* what, const char* word, std::size_t length);

// Parses up to `length` bytes of `text`, or up to its first NUL if sooner.
CommandLine parse_command_line(const char* text, std::size_t length, CommandLineNotice notice);

}  // namespace pristine::boot
