#include "core/sync/kernel_object.h"

#include "core/hot_path.h"
#include "core/sync/ipc.h"
#include "core/stats/relaxed_counter.h"
#include "core/syscall/syscall.h"

pristine::sync::ObjectPool pristine_objects = {.free = ~std::uint64_t{0} >> (64 - pristine::sync::kMaxObjects),
                                               .created = 0,
                                               .objects = {}};

namespace pristine::sync {

PRISTINE_HOT std::int64_t create(ObjectKind kind, std::uint16_t value, const Task& caller, std::uint8_t queue_depth) {
  // Its objects are named by its process's slot: that slot is never reused.
  pristine_tasks.tasks[caller.process].slot_kept = 1;
  std::uint64_t free = pristine_objects.free.load(std::memory_order_acquire);
  std::uint32_t slot;
  do {
    if (free == 0) return kEAGAIN;
    slot = static_cast<std::uint32_t>(__builtin_ctzll(free));
  } while (!pristine_objects.free.compare_exchange_weak(free, free & ~(std::uint64_t{1} << slot),
                                                        std::memory_order_acq_rel, std::memory_order_acquire));
  KernelObject& object = pristine_objects.objects[slot];
  // The slot is ours alone now: nobody else stores to a free slot's word.
  const std::uint8_t last = ObjectWord::unpack(object.word.load(std::memory_order_relaxed)).generation;
  const auto generation = static_cast<std::uint8_t>(last == 0xFF ? 1 : last + 1);
  pristine_ipc.queue_depth[slot] = queue_depth;  // published with the word below
  const ObjectWord word{0, value, kind, static_cast<std::uint8_t>(caller.process), generation};
  object.word.store(word.pack(), std::memory_order_release);
  bump(pristine_objects.created);
  return static_cast<std::int64_t>(handle_of(slot, generation));
}

PRISTINE_HOT std::int64_t destroy(std::uint64_t handle, const Task& caller) {
  KernelObject* object = object_named(handle);
  if (object == nullptr) return kEBADF;
  std::uint64_t raw = object->word.load(std::memory_order_acquire);
  for (;;) {
    const ObjectWord w = ObjectWord::unpack(raw);
    if (w.kind == ObjectKind::Free || !named(w, handle, w.kind, caller.process)) return kEBADF;
    if (w.waiters != 0 || (w.kind == ObjectKind::Mutex && w.value != 0) ||
        (w.kind == ObjectKind::Queue && queue_in_flight(w.value))) {
      return kEBUSY;
    }
    const ObjectWord gone{0, 0, ObjectKind::Free, 0, w.generation};
    if (object->word.compare_exchange_weak(raw, gone.pack(), std::memory_order_acq_rel, std::memory_order_acquire)) {
      if (w.kind == ObjectKind::Queue) release_queue_slots(static_cast<std::uint32_t>(handle & 0xFF));
      break;
    }
  }
  pristine_objects.free.fetch_or(std::uint64_t{1} << (handle & 0xFF), std::memory_order_release);
  return 0;
}

PRISTINE_HOT Task& first_waiter(std::uint32_t waiters) {
  Task* best = &pristine_tasks.tasks[__builtin_ctz(waiters)];
  for (waiters &= waiters - 1; waiters != 0; waiters &= waiters - 1) {
    Task& task = pristine_tasks.tasks[__builtin_ctz(waiters)];
    // Ids ascend: a tie keeps the lower one. A blocked task's priority is
    // its own to change, and it is blocked.
    if (task.priority > best->priority) best = &task;
  }
  return *best;
}

}  // namespace pristine::sync
