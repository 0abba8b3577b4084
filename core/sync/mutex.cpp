#include "core/sync/mutex.h"

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/syscall/syscall.h"

namespace pristine::sync {
namespace {

std::uint16_t owner_value(const Task& task) { return static_cast<std::uint16_t>(task.id + 1); }

// Task::mutexes_held has one writer at a time: the task itself, or the
// unlocker handing it a mutex while it is blocked. Plain loads and stores.
void note_held(Task& task, std::uint64_t handle, bool held) {
  const std::uint64_t bit = std::uint64_t{1} << (handle & 0xFF);
  const std::uint64_t mask = task.mutexes_held.load(std::memory_order_relaxed);
  task.mutexes_held.store(held ? mask | bit : mask & ~bit, std::memory_order_relaxed);
}

}  // namespace

PRISTINE_HOT TrapFrame* mutex_lock(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                   std::int64_t& result) {
  Task& me = *cpu.current;
  bool free = false;
  result = update(handle, ObjectKind::Mutex, me.process, [&](ObjectWord& w) -> std::int64_t {
    if (w.value == owner_value(me)) return kEDEADLK;
    free = w.value == 0;
    if (free) {
      w.value = owner_value(me);
    } else {
      w.waiters |= static_cast<std::uint32_t>(task_bit(me.id));
    }
    return 0;
  });
  if (result != 0) return frame;
  if (free) {
    note_held(me, handle, true);
    return frame;
  }
  // When it runs again it owns the mutex: the unlock handed it over.
  return sched::wait_for_object(cpu, frame, now);
}

PRISTINE_HOT Task* release_mutex(Task& owner, std::uint64_t handle, std::int64_t& result) {
  Task* next = nullptr;
  result = update(handle, ObjectKind::Mutex, owner.process, [&](ObjectWord& w) -> std::int64_t {
    if (w.value != owner_value(owner)) return kEPERM;
    next = w.waiters != 0 ? &first_waiter(w.waiters) : nullptr;
    if (next != nullptr) {
      w.waiters &= ~static_cast<std::uint32_t>(task_bit(next->id));
      w.value = owner_value(*next);
    } else {
      w.value = 0;
    }
    return 0;
  });
  if (result != 0) return nullptr;
  note_held(owner, handle, false);
  if (next == nullptr) return nullptr;
  note_held(*next, handle, true);  // before the wake: the wake publishes it
  return sched::claim_object_wake(*next) ? next : nullptr;
}

PRISTINE_HOT TrapFrame* mutex_unlock(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t handle,
                                     std::int64_t& result) {
  Task* next = release_mutex(*cpu.current, handle, result);
  return next != nullptr ? sched::wake_blocked(cpu, frame, now, *next) : frame;
}

PRISTINE_HOT std::int64_t check_owner(const Task& task, std::uint64_t handle) {
  const KernelObject* object = object_named(handle);
  if (object == nullptr) return kEBADF;
  const ObjectWord w = ObjectWord::unpack(object->word.load(std::memory_order_acquire));
  if (!named(w, handle, ObjectKind::Mutex, task.process)) return kEBADF;
  return w.value == owner_value(task) ? 0 : kEPERM;
}

PRISTINE_COLD void release_mutexes(CpuLocal& cpu, Task& task, Cycles now) {
  for (std::uint64_t held = task.mutexes_held.load(std::memory_order_relaxed); held != 0; held &= held - 1) {
    const auto slot = static_cast<std::uint32_t>(__builtin_ctzll(held));
    const ObjectWord w = ObjectWord::unpack(pristine_objects.objects[slot].word.load(std::memory_order_acquire));
    std::int64_t result;
    if (Task* next = release_mutex(task, handle_of(slot, w.generation), result)) sched::wake_later(cpu, now, *next);
  }
}

}  // namespace pristine::sync
