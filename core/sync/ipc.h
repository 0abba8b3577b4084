// IPC (docs/syscalls.md, "IPC"): rendezvous channels, bounded message queues
// and poll, on the kernel objects of core/sync/kernel_object.h (the same pool,
// handles and one-word compare-and-swap; no lock on any of these paths).
//
// - A channel's word holds its waiters (senders and receivers alike: each
//   waiter's Task::ipc_side says which) and a version, bumped by every change,
//   so a receiver may copy a waiting sender's message before the CAS that
//   takes the sender (a changed word means a retry, never a stale message).
//   A sender that finds a receiver waiting takes it and copies its message
//   straight into the receiver's buffer: the rendezvous, one copy.
// - A queue's word holds its ring (head, count) and the cells in flight: a
//   sender reserves the tail cell in one CAS, copies into it, and publishes
//   it in a second; a receiver claims the head cell the same way and frees
//   it. A cell in flight is the copying CPU's alone, so no data is copied
//   under a shared lock or read half-written. A blocked queue waiter is woken
//   with -EINTR when the queue changed for it, and calls again.
// - poll: a waiter sets its bit in one pollers mask; a change that makes an
//   object ready wakes the pollers of its process (-EINTR: poll again).
//
// Timeouts use the sleep list (core/sched/scheduler.h,
// wait_for_object_until): a timed waiter sleeps there until its deadline,
// when the tick takes its bit back (sync::cancel_timed_wait) and it returns
// -ETIMEDOUT, unless a peer took the bit first and wakes it.
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sync/ipc_limits.h"
#include "core/sync/kernel_object.h"

namespace pristine::sync {

// Task::ipc_side: what a task blocked on an IPC object waits to do.
enum class IpcSide : std::uint32_t { None = 0, Receive, Send, Poll };

// When a blocking call gives up: never (kNever), or at `at`; try_only: 0
// was passed, the call never blocks (-EAGAIN instead).
struct IpcDeadline {
  Cycles at;
  bool try_only;
};

// Hot path (channel_create): a channel, or -EAGAIN.
std::int64_t channel_create(const Task& caller);
// Hot path (channel_send): 0 once a receiver took the message; -EMSGSIZE,
// -EFAULT, -EBADF, -EAGAIN (try only, no receiver waits), -ETIMEDOUT.
TrapFrame* channel_send(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, VirtAddr buffer,
                        std::uint64_t length, IpcDeadline deadline, std::int64_t& result);
// Hot path (channel_receive): the message's length; -EMSGSIZE (the waiting
// sender's message is longer than `capacity`: it stays), -EFAULT, -EBADF,
// -EAGAIN, -ETIMEDOUT.
TrapFrame* channel_receive(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, VirtAddr buffer,
                           std::uint64_t capacity, IpcDeadline deadline, std::int64_t& result);

// Hot path (queue_create): a queue of `depth` cells, or -EINVAL (depth 0 or
// above ipc::kMaxQueueDepth), -EAGAIN (the objects or message slots ran out).
std::int64_t queue_create(std::uint64_t depth, const Task& caller);
// Hot path (queue_send): 0 once queued; -EINTR (it blocked while full and was
// woken: call again), -EMSGSIZE, -EFAULT, -EBADF, -EAGAIN, -ETIMEDOUT.
TrapFrame* queue_send(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, VirtAddr buffer,
                      std::uint64_t length, IpcDeadline deadline, std::int64_t& result);
// Hot path (queue_receive): the oldest message's length; -EINTR (it blocked
// while empty and was woken: call again), -EMSGSIZE (longer than `capacity`:
// it stays), -EFAULT, -EBADF, -EAGAIN, -ETIMEDOUT.
TrapFrame* queue_receive(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, VirtAddr buffer,
                         std::uint64_t capacity, IpcDeadline deadline, std::int64_t& result);

// Hot path (poll): bit i set when a receive on handles[i] would not block;
// -EINVAL (count 0 or above ipc::kMaxPollHandles), -EFAULT, -EBADF (a handle
// that is no channel or queue of the caller's process), -EAGAIN, -EINTR (it
// blocked and an object of its process became ready: poll again), -ETIMEDOUT.
TrapFrame* poll(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr handles, std::uint64_t count,
                IpcDeadline deadline, std::int64_t& result);

// Hot path (the tick, on the waiter's CPU, at its deadline): take a timed
// waiter's bit back from its object (or the pollers mask). True if it was
// still there: the wait timed out. False: a peer took it and wakes it.
bool cancel_timed_wait(Task& task);

// object_destroy's part for a queue (core/sync/kernel_object.cpp): true while
// a cell is in flight; the queue's message slots back to the pool.
constexpr bool queue_in_flight(std::uint32_t value) { return (value >> 7 & 0xFF) != 0; }
void release_queue_slots(std::uint32_t slot);

}  // namespace pristine::sync

// The IPC state beside the object pool: each queue's depth and cells, and the
// message slots left; the pollers mask.
struct IpcPool {
  std::atomic<std::uint64_t> queue_slots_left;
  std::atomic<std::uint32_t> pollers;  // bit n: task n waits in poll
  std::uint8_t queue_depth[pristine::sync::kMaxObjects];
  std::uint8_t cell_length[pristine::sync::kMaxObjects][pristine::ipc::kMaxQueueDepth];
  // Word-aligned, as Task::ipc_message, for queue_send's word copy.
  alignas(8) std::uint8_t cells[pristine::sync::kMaxObjects][pristine::ipc::kMaxQueueDepth][pristine::ipc::kMaxMessage];
};
extern "C" IpcPool pristine_ipc;
