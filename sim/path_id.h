// What a measured hot path is: an interrupt or exception vector, or a system
// call; each either returned to the context it interrupted or switched to
// another one (a separate path: its cost includes the switch).
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/interrupt/vectors.h"
#include "core/syscall/syscall.h"

namespace pristine::sim {

using PathId = std::uint16_t;

inline constexpr PathId kSyscallPathBase = 0x100;
inline constexpr PathId kSyscallPaths = static_cast<PathId>(Syscall::Count) + 1;  // + invalid
inline constexpr PathId kPathCount = kSyscallPathBase + kSyscallPaths;

constexpr PathId vector_path(Vector v) { return v; }
constexpr PathId syscall_path(std::uint64_t number) {
  return static_cast<PathId>(kSyscallPathBase + std::min<std::uint64_t>(number, kSyscallPaths - 1));
}
constexpr bool is_syscall_path(PathId p) { return p >= kSyscallPathBase; }

// Its name: sim/vector_names.h, per guest architecture.

}  // namespace pristine::sim
