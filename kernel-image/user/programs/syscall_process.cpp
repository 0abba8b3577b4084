// Ring-3 program "syscall-process": the process calls (docs/syscalls.md),
// every success and error case. It spawns exiter children one at a time and
// waits for each (its exit code carries the child's getppid and the arg it
// was given); each takes the slot its collected predecessor left (slot
// reuse). Were no slot left (-EAGAIN), it would keep checking the errors. The first wrong result ends the task with exit code 100 + the
// check's number; each child collected, and each later round, counts one.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_syscall_process_main) {
  const Result me = getpid();
  if (!me.ok()) return 101;
  // 1: a boot task has no parent.
  if (!getppid().is(ESRCH)) return 102;
  bool full = false;
  for (std::uint64_t round = 1;; ++round) {
    // 2: spawn refuses what is not a ring-3 program or a bad argument.
    if (!call(Sys::Spawn, 9999).is(EINVAL) || !spawn(Program::KernelCounter).is(EINVAL) ||
        !spawn(Program::Exiter, std::uint64_t{1} << 63).is(EINVAL) || !spawn(Program::Counter, 5).is(EINVAL) ||
        !spawn(Program::Sleeper, 0).is(EINVAL)) {
      return 103;
    }
    // 3: wait_child refuses itself, a task that is not its child, a number past the table.
    if (!wait_child(static_cast<std::uint64_t>(me.value)).is(ECHILD) || !wait_child(0).is(ECHILD) ||
        !wait_child(~std::uint64_t{0}).is(ECHILD)) {
      return 104;
    }
    if (!full) {
      // 4: a child runs, sees its parent, exits; its code comes back once.
      const Result child = spawn(Program::Exiter, round);
      if (child.is(EAGAIN)) {
        full = true;  // no slot suits (none is collected and free)
      } else {
        if (!child.ok() || child.value == me.value) return 105;
        const Result code = wait_child(static_cast<std::uint64_t>(child.value));
        const std::uint64_t expected = (static_cast<std::uint64_t>(me.value) << 20) | round;
        if (!code.ok() || static_cast<std::uint64_t>(code.value) != expected) return 106;
        if (!wait_child(static_cast<std::uint64_t>(child.value)).is(ECHILD)) return 107;  // collected once
      }
    } else if (!spawn(Program::Exiter, round).is(EAGAIN)) {
      return 108;  // still full
    }
    ++*start.counter;
    yield();
  }
}
