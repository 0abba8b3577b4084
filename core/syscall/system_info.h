// What sysinfo(buffer, length) copies to ring 3: one layout for the kernel
// (core/syscall/dispatch.cpp) and the ring-3 runtime
// (kernel-image/user/runtime/runtime.h), fixed-width fields only, so the
// layout is the ABI. A field is only ever added at the end; `size` says how
// much the kernel filled (docs/syscalls.md).
#pragma once

#include <cstdint>

#include "core/syscall/abi_sizes.h"

namespace pristine {

struct SystemInfo {
  std::uint32_t size;         // bytes of this struct the kernel filled
  std::uint32_t abi_version;  // kSystemInfoVersion
  std::uint32_t cpus;         // CPUs online
  std::uint32_t tick_hz;      // timer ticks per second
  std::uint64_t clock_hz;     // the kernel clock's frequency (what `clock` converts from)
  std::uint32_t max_tasks;    // task slots, idle tasks included
  std::uint32_t tasks;        // tasks in use, dead ones included
  std::uint64_t page_size;
  std::uint64_t stack_size;   // each ring-3 task's stack
  std::uint64_t heap_size;    // each ring-3 task's heap
};

inline constexpr std::uint32_t kSystemInfoVersion = 1;

static_assert(sizeof(SystemInfo) == PRISTINE_SYSTEM_INFO_SIZE, "SystemInfo is an ABI: add fields at the end only");

}  // namespace pristine
