// Ring-3 program "object-churn": creates and destroys a mutex, a semaphore
// and a condition variable `arg` times each (at least once), then counts
// forever. The pool holds 64 objects: one leaked per round would run it dry
// within 22 rounds, and the churn would stall (-EAGAIN, it yields to the
// pool's other users and tries again) short of `arg`. Exits 1xx on a wrong
// result.
#include <initializer_list>

#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_object_churn_main) {
  for (std::uint64_t done = 0; done < start.arg || done == 0;) {
    const Result made[3] = {mutex_create(), semaphore_create(1), condition_create()};
    bool dry = false;
    for (const Result& r : made) {
      if (!r.ok() && !r.is(EAGAIN)) return 101;
      dry = dry || !r.ok();
    }
    if (dry) {  // others hold the pool now: give back what it got, let them run, try again
      for (const Result& r : made) {
        if (r.ok()) object_destroy(static_cast<std::uint64_t>(r.value));
      }
      yield();
      continue;
    }
    for (const Result& r : made) {
      if (!object_destroy(static_cast<std::uint64_t>(r.value)).ok()) return 102;
    }
    *start.counter = ++done;
  }
  for (;;) {
    ++*start.counter;
    yield();
  }
}
