// Ring-3 program "syscall-sync": the thread and synchronisation calls
// (docs/syscalls.md), every success and error case. Its first round runs the
// checks that need threads (once: a thread's slot comes back only to a
// thread of this process, and the process keeps its own slot for good);
// every round runs the rest. The threads share the
// program's stack frame (`Shared`, passed as their argument): one address
// space. The first wrong result ends the task with exit code 100 + the
// check's number; each round counts one.
#include <initializer_list>

#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

struct Shared {
  std::uint64_t mutex;
  std::uint64_t semaphore;
  std::uint64_t condition;
  volatile std::uint64_t value;  // guarded by `mutex`
  volatile std::uint64_t ready;  // guarded by `mutex`, waited for on `condition`
  volatile std::uint64_t waiting;
};

std::uint64_t handle(const Result& r) { return static_cast<std::uint64_t>(r.value); }

}  // namespace

// Returns 2 * arg, its id apart from its process's.
PRISTINE_USER_THREAD(doubler) {
  ++*start.counter;
  if (gettid().value == getpid().value) return 1;
  return static_cast<std::int64_t>(2 * start.arg);
}

// Locks the mutex the creator holds (it blocks until the unlock hands it
// over), then reports the value it found and writes its own.
PRISTINE_USER_THREAD(locker) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  if (!mutex_lock(shared.mutex).ok()) return 1000;
  const std::uint64_t seen = shared.value;
  shared.value = 2;
  if (!mutex_unlock(shared.mutex).ok()) return 1001;
  return static_cast<std::int64_t>(seen);
}

// Takes one unit of the semaphore (blocks until the creator posts).
PRISTINE_USER_THREAD(taker) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  return semaphore_wait(shared.semaphore).ok() ? 7 : 1002;
}

// Waits on the condition until `ready`, under the mutex.
PRISTINE_USER_THREAD(waiter) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  if (!mutex_lock(shared.mutex).ok()) return 1003;
  shared.waiting = shared.waiting + 1;
  while (shared.ready == 0) {
    if (!condition_wait(shared.condition, shared.mutex).ok()) return 1004;
  }
  if (!mutex_unlock(shared.mutex).ok()) return 1005;
  return static_cast<std::int64_t>(shared.ready);
}

namespace {

// The checks that start threads: once.
std::int64_t check_threads() {
  const Result me = getpid();
  // 1: a process's first thread is its own id.
  if (!me.ok() || gettid().value != me.value) return 101;
  // 2: a thread starts only in ring-3 code.
  if (!call(Sys::ThreadCreate, 0).is(EFAULT) || !call(Sys::ThreadCreate, 0xFFFFFFFF80000000ull).is(EFAULT) ||
      !call(Sys::ThreadCreate, reinterpret_cast<std::uint64_t>(&me)).is(EFAULT)) {
    return 102;
  }
  // 3: a thread runs, has an id of its own, and its exit code comes back once.
  const Result t = thread_create(doubler, 21);
  if (!t.ok() || t.value == me.value) return 103;
  const Result code = thread_join(handle(t));
  if (!code.ok() || code.value != 42) return 104;
  if (!thread_join(handle(t)).is(ECHILD)) return 105;
  // 4: join refuses the process itself, a number past the table.
  if (!thread_join(handle(me)).is(ESRCH) || !thread_join(~std::uint64_t{0}).is(ESRCH)) return 106;

  Shared shared{};
  // 5: a locker blocks on the held mutex and gets it from the unlock, with
  // the value written under it.
  shared.mutex = handle(mutex_create());
  if (!mutex_lock(shared.mutex).ok()) return 107;
  const Result locker_id = thread_create(locker, reinterpret_cast<std::uint64_t>(&shared));
  if (!locker_id.ok()) return 108;
  yield();  // the locker runs and blocks (or runs later, elsewhere: same result)
  shared.value = 1;
  if (!mutex_unlock(shared.mutex).ok()) return 109;
  if (thread_join(handle(locker_id)).value != 1) return 110;
  if (shared.value != 2) return 111;

  // 6: a taker blocks on the empty semaphore; the post hands it the unit.
  shared.semaphore = handle(semaphore_create(0));
  const Result taker_id = thread_create(taker, reinterpret_cast<std::uint64_t>(&shared));
  if (!taker_id.ok()) return 112;
  yield();
  if (!semaphore_post(shared.semaphore).ok()) return 113;
  if (thread_join(handle(taker_id)).value != 7) return 114;

  // 7: two waiters on the condition; a broadcast under the mutex wakes both.
  shared.condition = handle(condition_create());
  const Result w1 = thread_create(waiter, reinterpret_cast<std::uint64_t>(&shared));
  const Result w2 = thread_create(waiter, reinterpret_cast<std::uint64_t>(&shared));
  if (!w1.ok() || !w2.ok()) return 115;
  for (;;) {  // until both wait (they joined before releasing the mutex)
    if (!mutex_lock(shared.mutex).ok()) return 116;
    if (shared.waiting == 2) break;
    mutex_unlock(shared.mutex);
    yield();
  }
  shared.ready = 5;
  const Result woke = condition_broadcast(shared.condition);
  if (!woke.ok() || woke.value != 2) return 117;  // both were waiting: they had released the mutex
  if (!mutex_unlock(shared.mutex).ok()) return 118;
  if (thread_join(handle(w1)).value != 5 || thread_join(handle(w2)).value != 5) return 119;
  if (!object_destroy(shared.mutex).ok() || !object_destroy(shared.semaphore).ok() ||
      !object_destroy(shared.condition).ok()) {
    return 120;
  }
  // 8: another process may not use this one's objects.
  const Result mine = mutex_create();
  const Result prober = spawn(Program::ObjectProber, handle(mine));
  if (!prober.ok() || wait_child(handle(prober)).value != EBADF) return 121;
  object_destroy(handle(mine));
  return 0;
}

// The checks without threads: every round.
std::int64_t check_objects() {
  // 30: a mutex locks once, unlocks once.
  const Result m = mutex_create();
  if (!m.ok()) return 130;
  if (!mutex_lock(handle(m)).ok() || !mutex_lock(handle(m)).is(EDEADLK)) return 131;
  if (!object_destroy(handle(m)).is(EBUSY)) return 132;  // held
  if (!mutex_unlock(handle(m)).ok() || !mutex_unlock(handle(m)).is(EPERM)) return 133;
  // 31: handles that name nothing, or the wrong kind.
  const Result s = semaphore_create(2);
  const Result c = condition_create();
  if (!s.ok() || !c.ok()) return 134;
  for (const std::uint64_t bad : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64}, ~std::uint64_t{0},
                                  handle(m) + 256, handle(s)}) {
    if (!mutex_lock(bad).is(EBADF) || !mutex_unlock(bad).is(EBADF)) return 135;
  }
  if (!semaphore_wait(handle(m)).is(EBADF) || !semaphore_post(handle(c)).is(EBADF) ||
      !condition_signal(handle(m)).is(EBADF) || !condition_broadcast(handle(s)).is(EBADF) ||
      !call(Sys::ConditionWait, handle(m), handle(m)).is(EBADF)) {
    return 136;
  }
  // 32: a condition wait needs the mutex held; a signal with no waiter wakes nobody.
  if (!call(Sys::ConditionWait, handle(c), handle(m)).is(EPERM) || !call(Sys::ConditionWait, handle(c), handle(s)).is(EBADF)) {
    return 137;
  }
  const Result nobody = condition_signal(handle(c));
  if (!nobody.ok() || nobody.value != 0) return 138;
  // 33: a semaphore counts, up to its limit.
  if (!semaphore_create(65536).is(EINVAL)) return 139;
  if (!semaphore_wait(handle(s)).ok() || !semaphore_wait(handle(s)).ok() || !semaphore_post(handle(s)).ok() ||
      !semaphore_wait(handle(s)).ok()) {
    return 140;
  }
  const Result full = semaphore_create(65535);
  if (!full.ok() || !semaphore_post(handle(full)).is(EOVERFLOW) || !semaphore_wait(handle(full)).ok() ||
      !semaphore_post(handle(full)).ok()) {
    return 141;
  }
  // 34: destroyed once; its handle is stale afterwards, also for a new object in its slot.
  for (const Result& r : {m, s, c, full}) {
    if (!object_destroy(handle(r)).ok() || !object_destroy(handle(r)).is(EBADF)) return 142;
  }
  const Result again = mutex_create();
  if (!again.ok() || !mutex_lock(handle(m)).is(EBADF) || !object_destroy(handle(again)).ok()) return 143;
  // 35: the pool runs out (-EAGAIN) and every object comes back.
  std::uint64_t made[64];
  std::uint64_t n = 0;
  for (;; ++n) {
    const Result r = mutex_create();
    if (r.is(EAGAIN)) break;
    if (!r.ok() || n == 64) return 144;
    made[n] = handle(r);
  }
  if (n == 0) return 145;
  while (n != 0) {
    if (!object_destroy(made[--n]).ok()) return 146;
  }
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_sync_main) {
  if (const std::int64_t failed = check_threads(); failed != 0) return failed;
  for (;;) {
    if (const std::int64_t failed = check_objects(); failed != 0) return failed;
    ++*start.counter;
    yield();
  }
}
