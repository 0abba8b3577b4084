// Condition variables (docs/syscalls.md, "Synchronisation"): a kernel object
// (core/sync/kernel_object.h) that is only its set of waiters. A wait joins
// the set and releases the caller's mutex in one call, so no signal made
// under the mutex can slip in between; the caller takes the mutex again
// after it wakes (the ring-3 runtime does). Signal wakes the first waiter
// (highest priority, then lowest id), broadcast every one.
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sync/kernel_object.h"

namespace pristine::sync {

// Hot path (condition_wait): 0 once signalled, the mutex released (not held
// on return); -EPERM if the caller does not hold `mutex`; -EBADF.
TrapFrame* condition_wait(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t condition,
                          std::uint64_t mutex, std::int64_t& result);

// Hot path (condition_signal, condition_broadcast): how many tasks it woke
// (signal: 0 or 1); -EBADF. Broadcast wakes without preempting the caller.
TrapFrame* condition_signal(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t condition,
                            std::int64_t& result);
std::int64_t condition_broadcast(CpuLocal& cpu, Cycles now, std::uint64_t condition);

}  // namespace pristine::sync
