// What the board tells the kernel at boot: clock, tick rate, the ring-3 tasks to
// start. The PC board fills it from its defaults and the command line; the
// simulator writes it into the image (symbol `pristine_boot_info`) before the
// first instruction runs. The layout is shared with host code: keep it POD.
#pragma once

#include <cstdint>

#include "core/program_registry.h"  // UserProgram

namespace pristine {

inline constexpr std::uint64_t kBootInfoMagic = 0x4f464e49544f4f42;  // "BOOTINFO"
inline constexpr std::uint32_t kMaxBootTasks = 16;
inline constexpr std::uint32_t kTaskNameLength = 16;  // including the terminating NUL

inline constexpr std::uint32_t kAnyCpu = 0xFFFFFFFF;

// What one count of machine::now() is. The board knows: a clock that
// advances per retired instruction counts instructions, not cycles.
enum class ClockUnit : std::uint32_t { CpuCycles = 0, RetiredInstructions = 1 };

struct BootTask {
  char name[kTaskNameLength];
  UserProgram program;  // a number of core/program_list.def
  std::uint32_t priority;
  std::uint64_t arg;  // program parameter (Sleeper: nanoseconds; Pinger: partner task index)
  std::uint32_t cpu;  // pinned to this CPU, or kAnyCpu (placed and balanced by the kernel)
  std::uint32_t reserved;
};

struct BootInfo {
  std::uint64_t magic;
  std::uint32_t cpu_count;
  std::uint32_t tick_hz;          // timer ticks per second
  std::uint64_t clock_hz;         // frequency of machine::now()
  std::uint64_t run_cycles;       // PC: cycles to run before the shutdown report; 0 = forever
  std::uint32_t task_count;
  ClockUnit clock_unit;           // what clock_hz counts per second (the board decides)
  std::uint32_t drivers;          // bit i: start driver i of core/drivers/driver_list.def
  std::uint32_t reserved;
  BootTask tasks[kMaxBootTasks];
};

static_assert(sizeof(BootTask) == 40);
static_assert(sizeof(BootInfo) == 48 + kMaxBootTasks * sizeof(BootTask));

}  // namespace pristine

extern "C" pristine::BootInfo pristine_boot_info;
