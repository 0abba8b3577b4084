#include "core/sync/ipc.h"

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/syscall/syscall.h"
#include "core/syscall/user_access.h"

IpcPool pristine_ipc = {.queue_slots_left = pristine::ipc::kQueueMessageSlots,
                        .pollers = 0,
                        .queue_depth = {},
                        .cell_length = {},
                        .cells = {}};

namespace pristine::sync {
namespace {

using ipc::kMaxMessage;

// A queue's ring in its word's 16-bit value: the head cell (3 bits), how many
// cells from the head hold or are getting a message (4 bits), and the cells
// in flight (8 bits): being written by the sender that reserved it, or read
// by the receiver that claimed it. A cell in flight is its copier's alone.
struct Ring {
  std::uint32_t head;
  std::uint32_t count;
  std::uint32_t in_flight;
};
static_assert(ipc::kMaxQueueDepth <= 8, "a queue's ring is 3 + 4 + 8 bits of its word");
static_assert(queue_in_flight(std::uint32_t{1} << 7) && !queue_in_flight(0x7F), "ipc.h reads the same bits");

constexpr Ring ring_of(std::uint16_t value) { return {value & 7u, (value >> 3) & 0xFu, (value >> 7) & 0xFFu}; }
constexpr std::uint16_t value_of(const Ring& r) {
  return static_cast<std::uint16_t>(r.head | r.count << 3 | r.in_flight << 7);
}

inline std::uint32_t bit(TaskId id) { return std::uint32_t{1} << id; }
inline std::uint32_t slot_of(std::uint64_t handle) { return static_cast<std::uint32_t>(handle & 0xFF); }

// update() (core/sync/kernel_object.h) with sequentially consistent
// compare-and-swaps: a change that makes an object ready, then a look at the
// pollers mask, pairs with poll's bit set, then a look at the objects (one of
// the two sees the other).
template <typename Change>
[[gnu::always_inline]] inline std::int64_t ipc_update(std::uint64_t handle, ObjectKind kind, TaskId process,
                                                      Change change) {
  KernelObject* object = object_named(handle);
  if (object == nullptr) return kEBADF;
  std::uint64_t raw = object->word.load(std::memory_order_seq_cst);
  for (;;) {
    ObjectWord w = ObjectWord::unpack(raw);
    if (!named(w, handle, kind, process)) return kEBADF;
    if (const std::int64_t error = change(w); error != 0) return error;
    if (object->word.compare_exchange_weak(raw, w.pack(), std::memory_order_seq_cst, std::memory_order_seq_cst)) {
      return 0;
    }
  }
}

// The tasks of `waiters` that wait to do `side` (Task::ipc_side, written by
// each before its bit was published).
PRISTINE_HOT std::uint32_t waiting_to(std::uint32_t waiters, IpcSide side) {
  std::uint32_t mask = 0;
  for (; waiters != 0; waiters &= waiters - 1) {
    const auto id = static_cast<TaskId>(__builtin_ctz(waiters));
    if (pristine_tasks.tasks[id].ipc_side == static_cast<std::uint32_t>(side)) mask |= bit(id);
  }
  return mask;
}

// A receive on the object would not block: a queue's head cell holds a
// message, or a sender waits on the channel.
PRISTINE_HOT bool ready(const ObjectWord& w) {
  if (w.kind == ObjectKind::Queue) {
    const Ring r = ring_of(w.value);
    return r.count != 0 && (r.in_flight & bit(r.head)) == 0;
  }
  return waiting_to(w.waiters, IpcSide::Send) != 0;
}

// Inside an object's update, when the call cannot complete now: a try
// (timeout 0) is refused, any other call joins the object's waiters.
PRISTINE_HOT inline std::int64_t refuse_or_wait(ObjectWord& w, const Task& me, const IpcDeadline& deadline) {
  if (deadline.try_only) return kEAGAIN;
  w.waiters |= bit(me.id);
  return 0;
}

// What the caller is about to wait for, before its bit is published.
PRISTINE_HOT void prepare_wait(Task& me, IpcSide side, std::uint64_t handle) {
  me.ipc_side = static_cast<std::uint32_t>(side);
  me.ipc_object = handle;
  me.ipc_deliver = 0;
}

// Block the caller (its bit is published) until its peer or its deadline
// decides. Whoever takes its bit out sets its result (ipc_deliver); with a
// deadline, the frame already says -ETIMEDOUT, so the tick that finds the bit
// still there only has to take it (sched::wake_first_sleeper). A peer faster
// than the block leaves its wake pending: the call returns at once with what
// the peer set.
PRISTINE_HOT TrapFrame* block(CpuLocal& cpu, TrapFrame* frame, Cycles now, Cycles deadline, std::int64_t& result) {
  Task& me = *cpu.current;
  result = deadline == kNever ? kEINTR : kETIMEDOUT;
  TrapFrame* next = sched::wait_for_object_until(cpu, frame, now, deadline);
  if (next == frame && me.ipc_deliver != 0) {
    me.ipc_deliver = 0;
    result = me.ipc_result;
  }
  return next;
}

// Wake a waiter whose bit the caller took, its call returning `result` (on
// its own CPU: it may be in its sleep list); it may preempt the caller.
PRISTINE_HOT TrapFrame* wake(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task, std::int64_t result) {
  task.ipc_result = result;
  task.ipc_deliver = 1;
  return sched::claim_object_wake(task) ? sched::wake_blocked_at_home(cpu, frame, now, task) : frame;
}

// The same, after the caller's own turn.
PRISTINE_HOT void wake_later(CpuLocal& cpu, Cycles now, Task& task, std::int64_t result) {
  task.ipc_result = result;
  task.ipc_deliver = 1;
  if (sched::claim_object_wake(task)) sched::wake_later_at_home(cpu, now, task);
}

// An object of `process` became ready: its pollers poll again (-EINTR).
PRISTINE_HOT void wake_pollers(CpuLocal& cpu, Cycles now, TaskId process) {
  std::uint32_t pollers = pristine_ipc.pollers.load(std::memory_order_seq_cst);
  if (PRISTINE_LIKELY(pollers == 0)) return;
  for (; pollers != 0; pollers &= pollers - 1) {
    Task& task = pristine_tasks.tasks[__builtin_ctz(pollers)];
    if (task.process != process) continue;
    // Whoever clears its bit (a waker, its deadline, itself) wakes it.
    if ((pristine_ipc.pollers.fetch_and(~bit(task.id), std::memory_order_acq_rel) & bit(task.id)) != 0) {
      wake_later(cpu, now, task, kEINTR);
    }
  }
}

// Probe a receive buffer: read and write its bytes back, so that a copy into
// it later (by a peer, or after a claim) finds it mapped and writable; a bad
// buffer is -EFAULT before anything changed.
PRISTINE_HOT std::int64_t probe(VirtAddr buffer, std::uint64_t length) {
  std::uint8_t scratch[kMaxMessage];
  if (copy_from_user(scratch, buffer, length) != 0) return kEFAULT;
  return copy_to_user(buffer, scratch, length);
}

// The queue's second CAS: the cell `cell` leaves flight (unless kNoCell),
// and the first task waiting to do `side` is taken out, to be woken (-EINTR:
// the queue changed for it, it calls again).
inline constexpr std::uint32_t kNoCell = 8;
PRISTINE_HOT Task* land(std::uint64_t handle, TaskId process, std::uint32_t cell, IpcSide side) {
  Task* next = nullptr;
  ipc_update(handle, ObjectKind::Queue, process, [&](ObjectWord& w) -> std::int64_t {
    if (cell != kNoCell) {
      Ring r = ring_of(w.value);
      r.in_flight &= ~bit(cell);
      w.value = value_of(r);
    }
    const std::uint32_t waiting = waiting_to(w.waiters, side);
    next = waiting != 0 ? &first_waiter(waiting) : nullptr;
    if (next != nullptr) w.waiters &= ~bit(next->id);
    return 0;
  });
  return next;
}

// After land: wake the waiter it took. Its side is read again now that its
// bit is ours (a task woken and blocked again, on the other side, between our
// look and our CAS, could have left the word as it was): if it now waits for
// the other thing, it is woken all the same (it calls again) and the next
// waiter of `side` is taken.
PRISTINE_HOT TrapFrame* wake_landed(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle, Task* next,
                                    IpcSide side) {
  while (next != nullptr && next->ipc_side != static_cast<std::uint32_t>(side)) {
    wake_later(cpu, now, *next, kEINTR);
    next = land(handle, cpu.current->process, kNoCell, side);
  }
  return next != nullptr ? wake(cpu, frame, now, *next, kEINTR) : frame;
}

// A whole message, word by word: eight loads and eight stores, no call. A
// plain memcpy of the 64 bytes is a call to core/lib/mem.cpp's byte loop on
// AArch64, whose compiler does not expand block copies under -mstrict-align;
// both ends are word-aligned (core/sync/ipc.h, core/sched/task.h).
[[gnu::always_inline]] inline void copy_whole_message(std::uint8_t* to, const std::uint8_t* from) {
  auto* const t = static_cast<std::uint8_t*>(__builtin_assume_aligned(to, 8));
  const auto* const f = static_cast<const std::uint8_t*>(__builtin_assume_aligned(from, 8));
#pragma GCC unroll 8
  for (std::uint64_t i = 0; i < kMaxMessage; i += sizeof(std::uint64_t)) {
    std::uint64_t word;
    __builtin_memcpy(&word, f + i, sizeof word);
    __builtin_memcpy(t + i, &word, sizeof word);
  }
}

// A send's message into the caller's own kernel buffer, first: a waiting
// receiver copies from there, and a bad buffer is the caller's -EFAULT,
// nobody else's. 0, or the call's error.
[[gnu::always_inline]] inline std::int64_t take_message(Task& me, VirtAddr buffer, std::uint64_t length) {
  if (length > kMaxMessage) return kEMSGSIZE;
  if (copy_from_user(me.ipc_message, buffer, length) != 0) return kEFAULT;
  return 0;
}

}  // namespace

PRISTINE_HOT std::int64_t channel_create(const Task& caller) { return create(ObjectKind::Channel, 0, caller); }

PRISTINE_HOT TrapFrame* channel_send(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                     VirtAddr buffer, std::uint64_t length, IpcDeadline deadline,
                                     std::int64_t& result) {
  Task& me = *cpu.current;
  if ((result = take_message(me, buffer, length)) != 0) return frame;
  prepare_wait(me, IpcSide::Send, handle);
  me.ipc_length = length;
  for (;;) {
    Task* receiver = nullptr;
    result = ipc_update(handle, ObjectKind::Channel, me.process, [&](ObjectWord& w) -> std::int64_t {
      const std::uint32_t receivers = waiting_to(w.waiters, IpcSide::Receive);
      receiver = receivers != 0 ? &first_waiter(receivers) : nullptr;
      if (receiver != nullptr) {
        w.waiters &= ~bit(receiver->id);
      } else if (const std::int64_t refused = refuse_or_wait(w, me, deadline)) {
        return refused;
      }
      w.value++;  // the version: every change
      return 0;
    });
    if (result != 0) return frame;
    if (receiver == nullptr) {
      wake_pollers(cpu, now, me.process);  // a sender waits: a receive would not block
      return block(cpu, frame, now, deadline.at, result);  // a receiver that takes the message wakes it: 0
    }
    // The rendezvous: straight into the receiver's buffer (same process,
    // same address space; probed when it blocked).
    Task& taken = *receiver;
    std::int64_t delivered = static_cast<std::int64_t>(length);
    if (length > taken.ipc_length) {
      delivered = kEMSGSIZE;
    } else if (copy_to_user(taken.ipc_buffer, me.ipc_message, length) != 0) {
      delivered = kEFAULT;  // its buffer went away while it waited
    }
    if (delivered >= 0) return wake(cpu, frame, now, taken, delivered);
    // That receiver could not take it and returns its error; the next may.
    wake_later(cpu, now, taken, delivered);
  }
}

PRISTINE_HOT TrapFrame* channel_receive(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                        VirtAddr buffer, std::uint64_t capacity, IpcDeadline deadline,
                                        std::int64_t& result) {
  Task& me = *cpu.current;
  const std::uint64_t room = capacity < kMaxMessage ? capacity : kMaxMessage;
  if (!user_range_ok(buffer, room)) {
    result = kEFAULT;
    return frame;
  }
  prepare_wait(me, IpcSide::Receive, handle);
  me.ipc_buffer = buffer;
  me.ipc_length = capacity;
  bool probed = false;
  for (;;) {
    Task* sender = nullptr;
    std::uint64_t length = 0;
    bool must_probe = false;
    result = ipc_update(handle, ObjectKind::Channel, me.process, [&](ObjectWord& w) -> std::int64_t {
      const std::uint32_t senders = waiting_to(w.waiters, IpcSide::Send);
      sender = senders != 0 ? &first_waiter(senders) : nullptr;
      if (sender != nullptr) {
        length = sender->ipc_length;
        if (length > capacity) return kEMSGSIZE;  // it stays with its sender
        // Copied before the CAS: a sender that changed its message since
        // (its wait timed out, it sent again) changed the version too, and
        // the CAS fails. A fault is the caller's own -EFAULT, nothing taken.
        if (copy_to_user(buffer, sender->ipc_message, length) != 0) return kEFAULT;
        w.waiters &= ~bit(sender->id);
      } else if (deadline.try_only) {
        return kEAGAIN;
      } else if (!probed) {
        must_probe = true;
        return kEAGAIN;
      } else {
        w.waiters |= bit(me.id);
      }
      w.value++;
      return 0;
    });
    if (must_probe) {
      // About to block: a sender will copy into the buffer from its own
      // call, where the fault handler would not map one of our untouched
      // pages. Read here (mapped on the way if it is ours); a buffer that is
      // readable but not writable is the sender's copy's -EFAULT, ours.
      if (copy_from_user(me.ipc_message, buffer, room) != 0) {
        result = kEFAULT;
        return frame;
      }
      probed = true;
      continue;
    }
    if (result != 0) return frame;
    if (sender == nullptr) return block(cpu, frame, now, deadline.at, result);
    result = static_cast<std::int64_t>(length);
    return wake(cpu, frame, now, *sender, 0);  // its call returns 0: taken
  }
}

PRISTINE_HOT std::int64_t queue_create(std::uint64_t depth, const Task& caller) {
  if (depth == 0 || depth > ipc::kMaxQueueDepth) return kEINVAL;
  std::uint64_t left = pristine_ipc.queue_slots_left.load(std::memory_order_acquire);
  do {
    if (left < depth) return kEAGAIN;
  } while (!pristine_ipc.queue_slots_left.compare_exchange_weak(left, left - depth, std::memory_order_acq_rel,
                                                                 std::memory_order_acquire));
  const std::int64_t handle = create(ObjectKind::Queue, 0, caller, static_cast<std::uint8_t>(depth));
  if (handle < 0) pristine_ipc.queue_slots_left.fetch_add(depth, std::memory_order_acq_rel);
  return handle;
}

PRISTINE_HOT TrapFrame* queue_send(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                   VirtAddr buffer, std::uint64_t length, IpcDeadline deadline,
                                   std::int64_t& result) {
  Task& me = *cpu.current;
  if ((result = take_message(me, buffer, length)) != 0) return frame;
  prepare_wait(me, IpcSide::Send, handle);
  const std::uint32_t slot = slot_of(handle);
  std::uint32_t cell = 0;
  bool reserved = false;
  result = ipc_update(handle, ObjectKind::Queue, me.process, [&](ObjectWord& w) -> std::int64_t {
    Ring r = ring_of(w.value);
    const std::uint32_t depth = pristine_ipc.queue_depth[slot];
    cell = r.head + r.count >= depth ? r.head + r.count - depth : r.head + r.count;
    // Full, or the tail cell is still being read out.
    reserved = r.count < depth && (r.in_flight & bit(cell)) == 0;
    if (reserved) {
      r.count++;
      r.in_flight |= bit(cell);
      w.value = value_of(r);
    } else {
      return refuse_or_wait(w, me, deadline);
    }
    return 0;
  });
  if (result != 0) return frame;
  if (!reserved) return block(cpu, frame, now, deadline.at, result);
  // The whole cell, a fixed size (the bytes past `length` are never read out).
  copy_whole_message(pristine_ipc.cells[slot][cell], me.ipc_message);
  pristine_ipc.cell_length[slot][cell] = static_cast<std::uint8_t>(length);
  Task* next = land(handle, me.process, cell, IpcSide::Receive);
  wake_pollers(cpu, now, me.process);
  result = 0;
  return wake_landed(cpu, frame, now, handle, next, IpcSide::Receive);
}

PRISTINE_HOT TrapFrame* queue_receive(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                      VirtAddr buffer, std::uint64_t capacity, IpcDeadline deadline,
                                      std::int64_t& result) {
  Task& me = *cpu.current;
  // The buffer is probed first: the copy after the claim below cannot fault
  // then (unless another thread unmaps it meanwhile: that message is lost).
  if (probe(buffer, capacity < kMaxMessage ? capacity : kMaxMessage) != 0) {
    result = kEFAULT;
    return frame;
  }
  prepare_wait(me, IpcSide::Receive, handle);
  const std::uint32_t slot = slot_of(handle);
  std::uint32_t cell = 0;
  bool claimed = false;
  result = ipc_update(handle, ObjectKind::Queue, me.process, [&](ObjectWord& w) -> std::int64_t {
    Ring r = ring_of(w.value);
    const std::uint32_t depth = pristine_ipc.queue_depth[slot];
    // Empty, or the head cell is still being written.
    claimed = r.count != 0 && (r.in_flight & bit(r.head)) == 0;
    if (claimed) {
      cell = r.head;
      if (pristine_ipc.cell_length[slot][cell] > capacity) return kEMSGSIZE;  // it stays
      r.head = r.head + 1 == depth ? 0 : r.head + 1;
      r.count--;
      r.in_flight |= bit(cell);
      w.value = value_of(r);
    } else {
      return refuse_or_wait(w, me, deadline);
    }
    return 0;
  });
  if (result != 0) return frame;
  if (!claimed) return block(cpu, frame, now, deadline.at, result);
  std::uint64_t length = pristine_ipc.cell_length[slot][cell];
  if (length > capacity) length = capacity;  // only if the length checked was another message's: cut
  result = copy_to_user(buffer, pristine_ipc.cells[slot][cell], length) != 0 ? kEFAULT
                                                                             : static_cast<std::int64_t>(length);
  Task* next = land(handle, me.process, cell, IpcSide::Send);
  return wake_landed(cpu, frame, now, handle, next, IpcSide::Send);
}

PRISTINE_HOT TrapFrame* poll(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr handles, std::uint64_t count,
                             IpcDeadline deadline, std::int64_t& result) {
  Task& me = *cpu.current;
  if (count == 0 || count > ipc::kMaxPollHandles) {
    result = kEINVAL;
    return frame;
  }
  std::uint64_t handle[ipc::kMaxPollHandles];
  if (copy_from_user(handle, handles, count * sizeof handle[0]) != 0) {
    result = kEFAULT;
    return frame;
  }
  const auto ready_mask = [&]() -> std::int64_t {
    std::int64_t mask = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const KernelObject* object = object_named(handle[i]);
      if (object == nullptr) return kEBADF;
      const ObjectWord w = ObjectWord::unpack(object->word.load(std::memory_order_seq_cst));
      if (!named(w, handle[i], ObjectKind::Channel, me.process) && !named(w, handle[i], ObjectKind::Queue, me.process)) {
        return kEBADF;
      }
      if (ready(w)) mask |= std::int64_t{1} << i;
    }
    return mask;
  };
  result = ready_mask();
  if (result != 0) return frame;
  if (deadline.try_only) {
    result = kEAGAIN;
    return frame;
  }
  prepare_wait(me, IpcSide::Poll, 0);
  pristine_ipc.pollers.fetch_or(bit(me.id), std::memory_order_seq_cst);
  // Looked at again after the bit is up: a change before it is seen here, a
  // change after it sees the bit (wake_pollers).
  result = ready_mask();
  if (result == 0) return block(cpu, frame, now, deadline.at, result);
  // Ready after all (or a handle went stale): the bit comes down, unless a
  // waker took it first, whose wake is ours to take (at once, or shortly):
  // then the call returns -EINTR (poll again).
  if ((pristine_ipc.pollers.fetch_and(~bit(me.id), std::memory_order_acq_rel) & bit(me.id)) != 0) return frame;
  return block(cpu, frame, now, kNever, result);
}

PRISTINE_HOT bool cancel_timed_wait(Task& task) {
  const std::uint32_t mine = bit(task.id);
  if (task.ipc_side == static_cast<std::uint32_t>(IpcSide::Poll)) {
    return (pristine_ipc.pollers.fetch_and(~mine, std::memory_order_acq_rel) & mine) != 0;
  }
  // On the raw word (the tick's path is tight): the waiters are its low 32
  // bits, a channel's version the next 16. While the bit is there the object
  // cannot be destroyed (-EBUSY), so its generation is still the handle's.
  KernelObject& object = pristine_objects.objects[task.ipc_object & (kMaxObjects - 1)];
  constexpr std::uint64_t kVersion = std::uint64_t{0xFFFF} << 32;
  const std::uint64_t channel = std::uint64_t{static_cast<std::uint8_t>(ObjectKind::Channel)} << 48;
  std::uint64_t raw = object.word.load(std::memory_order_acquire);
  for (;;) {
    if ((raw & mine) == 0) return false;  // a peer took it: its wake is on the way
    std::uint64_t next = raw & ~std::uint64_t{mine};
    if ((raw & (std::uint64_t{7} << 48)) == channel) next = (next & ~kVersion) | ((next + (std::uint64_t{1} << 32)) & kVersion);
    if (object.word.compare_exchange_weak(raw, next, std::memory_order_seq_cst, std::memory_order_acquire)) return true;
  }
}

PRISTINE_HOT void release_queue_slots(std::uint32_t slot) {
  pristine_ipc.queue_slots_left.fetch_add(pristine_ipc.queue_depth[slot], std::memory_order_acq_rel);
}

}  // namespace pristine::sync
