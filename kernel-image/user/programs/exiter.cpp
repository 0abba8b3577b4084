// Ring-3 program "exiter": counts once and exits with code
// (getppid() << 20) | arg, so the task that spawned it (syscall-process) can
// check both its exit code and that the child saw its parent. A boot task
// (no parent) exits with (-ESRCH << 20) | arg.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_exiter_main) {
  ++*start.counter;
  const Result parent = getppid();
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(parent.value) << 20) | (start.arg & 0xFFFFF));
}
