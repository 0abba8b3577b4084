// Ring-3 program "ipc-pingpong": IPC traffic and nothing else, for the budget
// rows of the IPC paths (benches/scenarios/ipc.toml). A thread (pong) takes
// each message from a channel and passes it back through a queue; the
// program (ping) sends 16 bytes on the channel and receives them from the
// queue, round after round: rendezvous both ways round (whoever comes first
// waits), queue sends and receives, blocking and not. A message that comes
// back changed ends it with exit code 100 (a thread that failed: 101).
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

struct Shared {
  std::uint64_t channel;
  std::uint64_t queue;
};

}  // namespace

PRISTINE_USER_THREAD(pong) {
  const auto& shared = *reinterpret_cast<const Shared*>(start.arg);
  char buffer[kMaxMessage];
  for (;;) {
    const Result got = channel_receive(shared.channel, buffer, sizeof buffer, kForever);
    if (!got.ok() || !queue_send(shared.queue, buffer, static_cast<std::size_t>(got.value), kForever).ok()) return 101;
    ++*start.counter;
  }
}

PRISTINE_USER_PROGRAM(user_ipc_pingpong_main) {
  Shared shared{static_cast<std::uint64_t>(channel_create().value), static_cast<std::uint64_t>(queue_create(4).value)};
  if (!thread_create(pong, reinterpret_cast<std::uint64_t>(&shared)).ok()) return 101;
  char message[16] = "ping 0000000000";
  char back[kMaxMessage];
  for (std::uint64_t round = 0;; ++round) {
    message[5 + round % 10] = static_cast<char>('0' + round % 10);
    if (!channel_send(shared.channel, message, sizeof message, kForever).ok()) return 101;
    const Result r = queue_receive(shared.queue, back, sizeof back, kForever);
    if (!r.ok() || r.value != static_cast<std::int64_t>(sizeof message)) return 100;
    for (std::size_t i = 0; i < sizeof message; ++i) {
      if (back[i] != message[i]) return 100;
    }
    ++*start.counter;
  }
}
