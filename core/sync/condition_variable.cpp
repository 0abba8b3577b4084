#include "core/sync/condition_variable.h"

#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/sync/mutex.h"
#include "core/syscall/syscall.h"

namespace pristine::sync {
namespace {

// Take the waiters out of `condition`: the first one (`all` false) or every
// one. The tasks taken, as a mask; how many, or -EBADF, in `result`.
PRISTINE_HOT std::uint32_t take_waiters(const Task& me, std::uint64_t condition, bool all, std::int64_t& result) {
  std::uint32_t taken = 0;
  result = update(condition, ObjectKind::Condition, me.process, [&](ObjectWord& w) -> std::int64_t {
    taken = w.waiters == 0 || all ? w.waiters : static_cast<std::uint32_t>(task_bit(first_waiter(w.waiters).id));
    w.waiters &= ~taken;
    return 0;
  });
  if (result != 0) return 0;
  for (std::uint32_t m = taken; m != 0; m &= m - 1) ++result;  // no POPCNT on the baseline CPU
  return taken;
}

}  // namespace

PRISTINE_HOT TrapFrame* condition_wait(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t condition,
                                       std::uint64_t mutex, std::int64_t& result) {
  Task& me = *cpu.current;
  result = update(condition, ObjectKind::Condition, me.process, [&](ObjectWord& w) -> std::int64_t {
    // Checked before joining: only the caller can release its own mutex, so
    // the release below cannot fail (a held mutex cannot be destroyed either).
    if (const std::int64_t owner = check_owner(me, mutex); owner != 0) return owner;
    w.waiters |= static_cast<std::uint32_t>(task_bit(me.id));
    return 0;
  });
  if (result != 0) return frame;
  // The mutex passes on; its new owner runs after us (we switch away next).
  if (Task* next = release_mutex(me, mutex, result)) sched::wake_later(cpu, now, *next);
  result = 0;
  return sched::wait_for_object(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* condition_signal(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t condition,
                                         std::int64_t& result) {
  const std::uint32_t taken = take_waiters(*cpu.current, condition, false, result);
  if (taken == 0) return frame;
  Task& next = pristine_tasks.tasks[__builtin_ctz(taken)];
  return sched::claim_object_wake(next) ? sched::wake_blocked(cpu, frame, now, next) : frame;
}

PRISTINE_HOT std::int64_t condition_broadcast(CpuLocal& cpu, Cycles now, std::uint64_t condition) {
  std::int64_t result;
  for (std::uint32_t taken = take_waiters(*cpu.current, condition, true, result); taken != 0; taken &= taken - 1) {
    Task& next = pristine_tasks.tasks[__builtin_ctz(taken)];
    if (sched::claim_object_wake(next)) sched::wake_later(cpu, now, next);
  }
  return result;
}

}  // namespace pristine::sync
