// Ring-3 program "slot-churn": task slots come back (docs/scheduler.md,
// "Task slots"). It spawns an exiter child and collects it, then creates a
// thread and joins it, `arg` times, far more than the table has slots;
// every id is new (the slot's generation goes up), and the ids of the
// collected child and thread are stale: wait_child, thread_join and wake
// refuse them instead of reaching the slot's new occupant. Then it counts
// (each round yields). The first wrong result ends the task with exit code
// 100 + the check's number.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

// Returns its argument doubled, after a count of its own.
PRISTINE_USER_THREAD(churn_doubler) {
  ++*start.counter;
  return static_cast<std::int64_t>(2 * start.arg);
}

namespace {

std::uint64_t id_of(const Result& r) { return static_cast<std::uint64_t>(r.value); }

// A call that may find every slot taken for a moment (the last occupant's
// CPU still on its kernel stack, or a space still loaded elsewhere): yield
// and try again, a bounded number of times.
template <typename Make>
Result with_a_slot(Make make) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const Result r = make();
    if (!r.is(EAGAIN)) return r;
    yield();
  }
  return {EAGAIN, true};
}

}  // namespace

PRISTINE_USER_PROGRAM(user_slot_churn_main) {
  const Result me = getpid();
  if (!me.ok()) return 101;
  std::uint64_t last_child = 0, last_thread = 0;
  for (std::uint64_t i = 1; i <= start.arg; ++i) {
    // 2: a child in a slot that comes back; its exit code carries its parent and round.
    const Result child = with_a_slot([&] { return spawn(Program::Exiter, i & 0xFFFFF); });
    if (!child.ok() || id_of(child) == last_child || id_of(child) == id_of(me)) return 102;
    const Result code = wait_child(id_of(child));
    if (!code.ok() || static_cast<std::uint64_t>(code.value) != ((id_of(me) << 20) | (i & 0xFFFFF))) return 103;
    // 3: collected ids name nothing now: the last child's and this one's.
    if (!wait_child(id_of(child)).is(ECHILD)) return 104;
    if (last_child != 0 && (!wait_child(last_child).is(ECHILD) || !wake(last_child).is(EINVAL))) return 105;
    last_child = id_of(child);
    // 4: a thread the same way.
    const Result thread = with_a_slot([&] { return thread_create(churn_doubler, i); });
    if (!thread.ok() || id_of(thread) == last_thread) return 106;
    const Result doubled = thread_join(id_of(thread));
    if (!doubled.ok() || static_cast<std::uint64_t>(doubled.value) != 2 * i) return 107;
    if (!thread_join(id_of(thread)).is(ECHILD)) return 108;
    // The last thread's id: ESRCH once its slot holds this thread (reused),
    // ECHILD while it still holds the collected one; never this thread.
    if (last_thread != 0 && !thread_join(last_thread).is(ESRCH) && !thread_join(last_thread).is(ECHILD)) return 109;
    last_thread = id_of(thread);
  }
  for (;;) {
    ++*start.counter;
    yield();
  }
}
