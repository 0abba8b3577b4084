// Kernel objects: the mutexes, semaphores and condition variables of ring 3
// (docs/syscalls.md, "Synchronisation"), from one pool sized at build time.
//
// An object is one 64-bit word, changed only by compare-and-swap: which
// tasks wait on it, its value, its kind, the process that owns it and its
// generation. Every call validates the handle and does its work in the same
// CAS, so a call racing a destroy on another CPU either happens first or
// sees a stale handle (-EBADF): no lock anywhere, as seed 000 asks of a
// system-call path. A blocked task waits on its own handshake
// (Task::object_wake); whoever takes its bit out of an object wakes it.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/sched/task.h"
#include "core/syscall/syscall.h"

namespace pristine::sync {

inline constexpr std::uint32_t kMaxObjects = 64;
// A waiter is a bit of a 32-bit mask, an owner fits 5 bits.
static_assert(kMaxTasks <= 31, "core/sync: task ids must fit the object word's masks");

enum class ObjectKind : std::uint8_t { Free = 0, Mutex, Semaphore, Condition, Channel, Queue };

// The object word, unpacked. `value` is the mutex's owner (task id + 1, 0 when
// free), the semaphore's count, a channel's version or a queue's ring state
// (core/sync/ipc.h).
struct ObjectWord {
  std::uint32_t waiters;     // bit n: task n is blocked on the object
  std::uint16_t value;
  ObjectKind kind;
  std::uint8_t process;      // Task::process of its creator: only that process's tasks may use it
  std::uint8_t generation;   // new per creation (never 0): a handle of an earlier one misses

  static constexpr ObjectWord unpack(std::uint64_t raw) {
    return {static_cast<std::uint32_t>(raw), static_cast<std::uint16_t>(raw >> 32),
            static_cast<ObjectKind>((raw >> 48) & 0x7), static_cast<std::uint8_t>((raw >> 51) & 0x1F),
            static_cast<std::uint8_t>(raw >> 56)};
  }
  constexpr std::uint64_t pack() const {
    return std::uint64_t{waiters} | std::uint64_t{value} << 32 | std::uint64_t{static_cast<std::uint8_t>(kind)} << 48 |
           std::uint64_t{process} << 51 | std::uint64_t{generation} << 56;
  }
};

// A handle names a pool slot and one generation of it: (generation << 8) | slot.
inline constexpr std::uint64_t handle_of(std::uint32_t slot, std::uint8_t generation) {
  return std::uint64_t{generation} << 8 | slot;
}

struct KernelObject {
  std::atomic<std::uint64_t> word;
};

struct ObjectPool {
  std::atomic<std::uint64_t> free;     // bit n: slot n is free
  std::atomic<std::uint64_t> created;  // objects created since boot (reports)
  KernelObject objects[kMaxObjects];
};
static_assert(kMaxObjects <= 64, "the free mask is one word");

inline std::uint64_t task_bit(TaskId id) { return std::uint64_t{1} << id; }

// The slot `handle` names, or null if it names none (the generation is
// checked against the word by the caller's CAS loop: ObjectWord::named).
inline KernelObject* object_named(std::uint64_t handle);

// True if `w` is the live object `handle` names, of `kind`, owned by `process`.
inline bool named(const ObjectWord& w, std::uint64_t handle, ObjectKind kind, TaskId process) {
  return w.kind == kind && w.generation == static_cast<std::uint8_t>(handle >> 8) && w.process == process;
}

// Hot path: the one way a call changes an object. Loads the word `handle`
// names and runs `change(ObjectWord&)` on it: 0 to store the changed word,
// or an error to give up with. Retries (running `change` again on the fresh
// word) until the compare-and-swap lands. 0, the error, or -EBADF when the
// handle names no live object of `kind` owned by `process`.
template <typename Change>
[[gnu::always_inline]] inline std::int64_t update(std::uint64_t handle, ObjectKind kind, TaskId process,
                                                  Change change);

// Hot path (the *_create calls): a new object of `kind` with `value`, owned by
// the caller's process (a queue's depth recorded before its handle exists);
// its handle, or -EAGAIN when the pool is empty.
std::int64_t create(ObjectKind kind, std::uint16_t value, const Task& caller, std::uint8_t queue_depth = 0);

// Hot path (object_destroy): the object goes back to the pool: 0; -EBADF for
// a handle that names no live object of the caller's process; -EBUSY while a
// task waits on it or holds it (a locked mutex), or a CPU is copying a message
// in or out of it (a queue's cell in flight). A queue's messages are dropped
// and its message slots go back (core/sync/ipc.h).
std::int64_t destroy(std::uint64_t handle, const Task& caller);

// Hot path: of the tasks in `waiters`, the one to wake first: the highest
// priority, and of those the lowest id (docs/syscalls.md, wake-up order).
Task& first_waiter(std::uint32_t waiters);

}  // namespace pristine::sync

extern "C" pristine::sync::ObjectPool pristine_objects;

namespace pristine::sync {

inline KernelObject* object_named(std::uint64_t handle) {
  const std::uint64_t slot = handle & 0xFF;
  if (slot >= kMaxObjects || handle >> 16 != 0) return nullptr;
  return &pristine_objects.objects[slot];
}

template <typename Change>
[[gnu::always_inline]] inline std::int64_t update(std::uint64_t handle, ObjectKind kind, TaskId process,
                                                  Change change) {
  KernelObject* object = object_named(handle);
  if (object == nullptr) return kEBADF;
  std::uint64_t raw = object->word.load(std::memory_order_acquire);
  for (;;) {
    ObjectWord w = ObjectWord::unpack(raw);
    if (!named(w, handle, kind, process)) return kEBADF;
    if (const std::int64_t error = change(w); error != 0) return error;
    if (object->word.compare_exchange_weak(raw, w.pack(), std::memory_order_acq_rel, std::memory_order_acquire)) {
      return 0;
    }
  }
}

}  // namespace pristine::sync
