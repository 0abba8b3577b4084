// Mutexes (docs/syscalls.md, "Synchronisation"): a kernel object
// (core/sync/kernel_object.h) whose value is its owner. Unlock hands the
// mutex straight to the first waiter (highest priority, then lowest id), so
// a woken locker owns it when it runs: no retry, no barging, no starvation.
// A task that exits holding mutexes passes each of them on the same way.
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sync/kernel_object.h"

namespace pristine::sync {

// Hot path (mutex_lock): 0 once the caller owns the mutex (blocking until
// an unlock hands it over); -EDEADLK if it already does; -EBADF.
TrapFrame* mutex_lock(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, std::int64_t& result);

// Hot path (mutex_unlock): 0, the mutex passed to its first waiter (who may
// preempt the caller) or free; -EPERM if the caller does not own it; -EBADF.
TrapFrame* mutex_unlock(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, std::int64_t& result);

// Hot path: release the mutex `handle` that `owner` holds; the task it
// passed to (its wake already claimed for the caller to carry out), or null.
// 0, -EPERM or -EBADF in `result`.
Task* release_mutex(Task& owner, std::uint64_t handle, std::int64_t& result);

// A condition wait's check: 0 if `task` owns the mutex `handle`, -EPERM if
// another task or none does, -EBADF if it names no mutex of its process.
std::int64_t check_owner(const Task& task, std::uint64_t handle);

// Cold path (exit): pass on every mutex `task` still holds; the new owners
// are made runnable without preempting the exit.
void release_mutexes(CpuLocal& cpu, Task& task, Cycles now);

}  // namespace pristine::sync
