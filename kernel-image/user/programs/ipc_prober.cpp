// Ring-3 program "ipc-prober": tries the IPC calls on the handle `arg`
// (another process's channel, when syscall-ipc spawns it) and exits with
// -EBADF if every one of them refused it, else with the first other result.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_ipc_prober_main) {
  ++*start.counter;
  char buffer[kMaxMessage] = {'p'};
  const Result results[] = {
      channel_send(start.arg, buffer, 1, 0),
      channel_receive(start.arg, buffer, sizeof buffer, 0),
      call(Sys::QueueSend, start.arg, reinterpret_cast<std::uint64_t>(buffer), 1, 0),
      call(Sys::QueueReceive, start.arg, reinterpret_cast<std::uint64_t>(buffer), sizeof buffer, 0),
      call(Sys::Poll, reinterpret_cast<std::uint64_t>(&start.arg), 1, 0),
      object_destroy(start.arg),
  };
  for (const Result& r : results) {
    if (!r.is(EBADF)) return r.value == EBADF ? 1 : r.value;
  }
  return EBADF;
}
