// The debug calls (docs/syscalls.md, "Debug"): trace_marker, profile_start,
// profile_stop. Their state is fixed at build time: a marker slot per CPU and
// a region table per task and per CPU, no allocation. Markers and regions are
// read by cold paths only: the shutdown report (core/stats/shutdown_report.cpp)
// and the simulator, which reads the CPU slots from guest memory.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/stats/path_stats.h"
#include "core/types.h"

namespace pristine::debug {

// Regions a task may profile: ids 0 .. kProfileRegions - 1.
inline constexpr std::uint32_t kProfileRegions = 8;

// One CPU's trace markers: how many, and the last one's value and task.
// Relaxed atomics (docs/pristine-rules.md): written by their CPU with
// interrupts off, read by anyone.
struct TraceSlot {
  std::atomic<std::uint64_t> count;
  std::atomic<std::uint64_t> last_value;
  std::atomic<std::uint32_t> last_task;
  std::uint32_t reserved;
};

// A task's open regions: bit r of `open` set while region r runs, since
// started_at[r] (the kernel clock at profile_start's entry).
struct TaskRegions {
  std::uint32_t open;
  std::uint32_t reserved;
  Cycles started_at[kProfileRegions];
};

// One CPU's closed regions, by id, recorded by the CPU that took the stop
// (single writer, like PathStats): what the shutdown report prints as
// `profile profile/<id>`.
struct CpuRegions {
  PathHistogram regions[kProfileRegions];
};

// Report names, "profile/<id>".
inline constexpr const char* kRegionNames[kProfileRegions] = {"profile/0", "profile/1", "profile/2", "profile/3",
                                                               "profile/4", "profile/5", "profile/6", "profile/7"};

}  // namespace pristine::debug
