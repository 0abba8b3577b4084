#include "core/sync/semaphore.h"

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/syscall/syscall.h"

namespace pristine::sync {

PRISTINE_HOT TrapFrame* semaphore_wait(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                       std::int64_t& result) {
  Task& me = *cpu.current;
  KernelObject* object = object_named(handle);
  if (object == nullptr) {
    result = kEBADF;
    return frame;
  }
  std::uint64_t raw = object->word.load(std::memory_order_acquire);
  bool took;
  for (;;) {
    ObjectWord w = ObjectWord::unpack(raw);
    if (!named(w, handle, ObjectKind::Semaphore, me.process)) {
      result = kEBADF;
      return frame;
    }
    took = w.value != 0;
    if (took) {
      w.value--;
    } else {
      w.waiters |= static_cast<std::uint32_t>(task_bit(me.id));
    }
    if (object->word.compare_exchange_weak(raw, w.pack(), std::memory_order_acq_rel, std::memory_order_acquire)) {
      break;
    }
  }
  result = 0;
  // Blocked: when it runs again a post has handed it its unit.
  return took ? frame : sched::wait_for_object(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* semaphore_post(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                       std::int64_t& result) {
  const Task& me = *cpu.current;
  KernelObject* object = object_named(handle);
  if (object == nullptr) {
    result = kEBADF;
    return frame;
  }
  std::uint64_t raw = object->word.load(std::memory_order_acquire);
  Task* next;
  for (;;) {
    ObjectWord w = ObjectWord::unpack(raw);
    if (!named(w, handle, ObjectKind::Semaphore, me.process)) {
      result = kEBADF;
      return frame;
    }
    next = w.waiters != 0 ? &first_waiter(w.waiters) : nullptr;
    if (next != nullptr) {
      w.waiters &= ~static_cast<std::uint32_t>(task_bit(next->id));
    } else if (w.value == kMaxSemaphoreCount) {
      result = kEOVERFLOW;
      return frame;
    } else {
      w.value++;
    }
    if (object->word.compare_exchange_weak(raw, w.pack(), std::memory_order_acq_rel, std::memory_order_acquire)) {
      break;
    }
  }
  result = 0;
  if (next == nullptr || !sched::claim_object_wake(*next)) return frame;
  return sched::wake_blocked(cpu, frame, now, *next);
}

}  // namespace pristine::sync
