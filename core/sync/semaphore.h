// Counting semaphores (docs/syscalls.md, "Synchronisation"): a kernel object
// (core/sync/kernel_object.h) whose value is its count. A post with waiters
// hands its unit straight to the first one (highest priority, then lowest
// id); the count only grows when nobody waits.
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sync/kernel_object.h"

namespace pristine::sync {

inline constexpr std::uint64_t kMaxSemaphoreCount = 0xFFFF;

// Hot path (semaphore_wait): 0 once the caller took a unit (blocking until a
// post hands one over); -EBADF.
TrapFrame* semaphore_wait(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, std::int64_t& result);

// Hot path (semaphore_post): 0, the unit given to the first waiter (who may
// preempt the caller) or counted; -EOVERFLOW at kMaxSemaphoreCount; -EBADF.
TrapFrame* semaphore_post(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, std::int64_t& result);

}  // namespace pristine::sync
