#include "core/sync/semaphore.h"

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/syscall/syscall.h"

namespace pristine::sync {

PRISTINE_HOT TrapFrame* semaphore_wait(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                       std::int64_t& result) {
  Task& me = *cpu.current;
  bool took = false;
  result = update(handle, ObjectKind::Semaphore, me.process, [&](ObjectWord& w) -> std::int64_t {
    took = w.value != 0;
    if (took) {
      w.value--;
    } else {
      w.waiters |= static_cast<std::uint32_t>(task_bit(me.id));
    }
    return 0;
  });
  // Blocked: when it runs again a post has handed it its unit.
  return result != 0 || took ? frame : sched::wait_for_object(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* semaphore_post(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                       std::int64_t& result) {
  Task* next = nullptr;
  result = update(handle, ObjectKind::Semaphore, cpu.current->process, [&](ObjectWord& w) -> std::int64_t {
    next = w.waiters != 0 ? &first_waiter(w.waiters) : nullptr;
    if (next != nullptr) {
      w.waiters &= ~static_cast<std::uint32_t>(task_bit(next->id));
    } else if (w.value == kMaxSemaphoreCount) {
      return kEOVERFLOW;
    } else {
      w.value++;
    }
    return 0;
  });
  if (result != 0 || next == nullptr || !sched::claim_object_wake(*next)) return frame;
  return sched::wake_blocked(cpu, frame, now, *next);
}

}  // namespace pristine::sync
