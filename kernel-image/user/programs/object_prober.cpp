// Ring-3 program "object-prober": tries to lock the mutex handle `arg`
// (another process's, when syscall-sync spawns it) and exits with the
// call's result: -EBADF is what a foreign handle must get.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_object_prober_main) {
  ++*start.counter;
  return mutex_lock(start.arg).value;
}
