// Ring-3 program "syscall-ipc": the IPC calls (docs/syscalls.md, "IPC"),
// every success and error case. Its first round runs the checks that need
// threads (each takes a task slot for good) or expiring timeouts; every round
// runs the rest. The threads share the program's stack frame (`Shared`, their
// argument): one address space. The first wrong result ends the task with
// exit code 100 + the check's number; each round counts one.
#include <initializer_list>

#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

struct Shared {
  std::uint64_t channel;
  std::uint64_t queue;
  volatile std::uint64_t arrived;  // ordered senders that lowered their priority and are about to send
  char received[kMaxMessage];
};

std::uint64_t handle(const Result& r) { return static_cast<std::uint64_t>(r.value); }
std::uint64_t address(const void* p) { return reinterpret_cast<std::uint64_t>(p); }

constexpr std::uint64_t kKernelAddress = 0xFFFFFFFF80000000ull;
// The program's own code: readable, never writable from ring 3 (a receive
// buffer there is -EFAULT).
std::uint64_t code_address() { return reinterpret_cast<std::uint64_t>(&handle); }

bool same(const void* a, const void* b, std::size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

// 100 000 yields at most: a thread that never gets there is a failure, not a hang.
template <typename Done>
bool yield_until(Done done) {
  for (int i = 0; i < 100'000; ++i) {
    if (done()) return true;
    yield();
  }
  return false;
}

}  // namespace

// Receives one message on the channel, forever; returns length * 256 + its
// first byte, the message itself in shared.received.
PRISTINE_USER_THREAD(channel_receiver) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  const Result r = channel_receive(shared.channel, shared.received, sizeof shared.received, kForever);
  if (!r.ok()) return 1000 - r.value;
  return r.value * 256 + shared.received[0];
}

// Sends "sender!" on the channel, forever: 0 once a receiver took it.
PRISTINE_USER_THREAD(channel_sender) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  return channel_send(shared.channel, "sender!", 7, kForever).value;
}

// Two senders of one byte each, 'H' at the creator's priority and 'L' one below.
PRISTINE_USER_THREAD(high_sender) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  shared.arrived = shared.arrived + 1;
  return channel_send(shared.channel, "H", 1, kForever).value;
}
PRISTINE_USER_THREAD(low_sender) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  const Result mine = call(Sys::GetPriority);
  if (!mine.ok() || !call(Sys::SetPriority, static_cast<std::uint64_t>(mine.value) - 1).ok()) return 1001;
  shared.arrived = shared.arrived + 1;
  return channel_send(shared.channel, "L", 1, kForever).value;
}

// Sends 'C' to the queue, forever (it blocks while the queue is full).
PRISTINE_USER_THREAD(queue_filler) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  return queue_send(shared.queue, "C", 1, kForever).value;
}

// Receives one message from the queue, forever; returns its first byte.
PRISTINE_USER_THREAD(queue_taker) {
  auto& shared = *reinterpret_cast<Shared*>(start.arg);
  char buffer[kMaxMessage];
  const Result r = queue_receive(shared.queue, buffer, sizeof buffer, kForever);
  return r.ok() ? buffer[0] : 1000 - r.value;
}

namespace {

// The checks that start threads or wait for timeouts: once.
std::int64_t check_threads() {
  Shared shared{};
  char buffer[kMaxMessage];
  // 1: rendezvous, the receiver first: a try-only send succeeds only into a
  // waiting receiver, and copies straight into its buffer.
  shared.channel = handle(channel_create());
  const Result receiver = thread_create(channel_receiver, address(&shared));
  if (!receiver.ok()) return 101;
  bool refused = false;
  if (!yield_until([&] {
        const Result r = channel_send(shared.channel, "hello", 5, 0);
        refused = refused || (!r.ok() && !r.is(EAGAIN));
        return r.ok();
      }) ||
      refused) {
    return 102;
  }
  if (thread_join(handle(receiver)).value != 5 * 256 + 'h') return 103;
  if (!same(shared.received, "hello", 5)) return 104;

  // 2: rendezvous, the sender first: poll sees it waiting, and so does
  // object_destroy (-EBUSY).
  const Result sender = thread_create(channel_sender, address(&shared));
  if (!sender.ok()) return 105;
  if (!yield_until([&] { return poll(&shared.channel, 1, 0).value == 1; })) return 106;
  if (!object_destroy(shared.channel).is(EBUSY)) return 107;
  // 3: a receive that cannot take the message leaves it with its sender: a
  // buffer too short, null, the kernel's, the program's own code.
  if (!channel_receive(shared.channel, buffer, 6, 0).is(EMSGSIZE) ||
      !call(Sys::ChannelReceive, shared.channel, 0, sizeof buffer, 0).is(EFAULT) ||
      !call(Sys::ChannelReceive, shared.channel, kKernelAddress, sizeof buffer, 0).is(EFAULT) ||
      !call(Sys::ChannelReceive, shared.channel, code_address(), sizeof buffer, 0).is(EFAULT)) {
    return 108;
  }
  const Result got = channel_receive(shared.channel, buffer, sizeof buffer, 0);
  if (!got.ok() || got.value != 7 || !same(buffer, "sender!", 7)) return 109;
  if (thread_join(handle(sender)).value != 0) return 110;
  if (!object_destroy(shared.channel).ok()) return 111;

  // 4: wake order: of two waiting senders the higher priority goes first.
  // They have nothing to do but block: once both are on their way, a sleep
  // gives them the CPU (a check, not a guess: the order proves it).
  shared.channel = handle(channel_create());
  const Result high = thread_create(high_sender, address(&shared));
  const Result low = thread_create(low_sender, address(&shared));
  if (!high.ok() || !low.ok()) return 112;
  if (!yield_until([&] { return shared.arrived == 2; })) return 113;
  sleep_ns(2'000'000);
  const Result first = channel_receive(shared.channel, buffer, sizeof buffer, 0);
  if (!first.ok() || buffer[0] != 'H') return 114;
  const Result second = channel_receive(shared.channel, buffer, sizeof buffer, 0);
  if (!second.ok() || buffer[0] != 'L') return 115;
  if (thread_join(handle(high)).value != 0 || thread_join(handle(low)).value != 0) return 116;

  // 5: a full queue: a third send is -EAGAIN when tried, blocks when it may,
  // and goes in once a receive makes room; FIFO order throughout.
  shared.queue = handle(queue_create(2));
  if (!queue_send(shared.queue, "A", 1, 0).ok() || !queue_send(shared.queue, "B", 1, 0).ok() ||
      !queue_send(shared.queue, "X", 1, 0).is(EAGAIN)) {
    return 117;
  }
  const Result filler = thread_create(queue_filler, address(&shared));
  if (!filler.ok()) return 118;
  for (const char expected : {'A', 'B', 'C'}) {
    const Result r = queue_receive(shared.queue, buffer, sizeof buffer, kForever);
    if (!r.ok() || r.value != 1 || buffer[0] != expected) return 119;
  }
  if (thread_join(handle(filler)).value != 0) return 120;
  // 6: an empty queue: a receiver blocks until a send.
  const Result taker = thread_create(queue_taker, address(&shared));
  if (!taker.ok()) return 121;
  yield();
  if (!queue_send(shared.queue, "T", 1, kForever).ok() || thread_join(handle(taker)).value != 'T') return 122;

  // 7: timeouts that expire: -ETIMEDOUT from the kernel itself (the raw
  // calls), no earlier than asked, and nothing left behind.
  constexpr std::uint64_t kWait = 300'000;
  const std::int64_t t0 = clock_ns().value;
  if (!channel_receive(shared.channel, buffer, sizeof buffer, kWait).is(ETIMEDOUT)) return 123;
  if (clock_ns().value - t0 < static_cast<std::int64_t>(kWait)) return 124;
  if (!channel_send(shared.channel, "late", 4, kWait).is(ETIMEDOUT)) return 125;
  if (!channel_receive(shared.channel, buffer, sizeof buffer, 0).is(EAGAIN)) return 126;  // the sender left
  if (!call(Sys::QueueReceive, shared.queue, address(buffer), sizeof buffer, kWait).is(ETIMEDOUT)) return 127;
  if (!poll(&shared.queue, 1, kWait).is(ETIMEDOUT)) return 128;
  if (!queue_send(shared.queue, "1", 1, 0).ok() || !queue_send(shared.queue, "2", 1, 0).ok() ||
      !call(Sys::QueueSend, shared.queue, address("3"), 1, kWait).is(ETIMEDOUT)) {
    return 129;
  }
  if (!object_destroy(shared.channel).ok() || !object_destroy(shared.queue).ok()) return 130;

  // 8: another process may not use this one's objects.
  const Result mine = channel_create();
  const Result prober = spawn(Program::IpcProber, handle(mine));
  if (!prober.ok() || wait_child(handle(prober)).value != EBADF) return 131;
  object_destroy(handle(mine));
  return 0;
}

// The checks without threads: every round.
std::int64_t check_objects() {
  char buffer[kMaxMessage];
  // 40: creation limits.
  if (!queue_create(0).is(EINVAL) || !queue_create(9).is(EINVAL)) return 140;
  const Result c = channel_create();
  const Result q = queue_create(3);
  if (!c.ok() || !q.ok()) return 141;
  const std::uint64_t both[2] = {handle(c), handle(q)};
  // 41: nothing to take and nobody to take it: a try is -EAGAIN.
  if (!channel_send(handle(c), "a", 1, 0).is(EAGAIN) || !channel_receive(handle(c), buffer, sizeof buffer, 0).is(EAGAIN) ||
      !queue_receive(handle(q), buffer, sizeof buffer, 0).is(EAGAIN) || !poll(both, 2, 0).is(EAGAIN)) {
    return 142;
  }
  // 42: lengths, pointers and timeouts.
  if (!channel_send(handle(c), buffer, kMaxMessage + 1, 0).is(EMSGSIZE) ||
      !queue_send(handle(q), buffer, kMaxMessage + 1, 0).is(EMSGSIZE)) {
    return 143;
  }
  for (const std::uint64_t bad : {std::uint64_t{0}, kKernelAddress, ~std::uint64_t{0} - 2}) {
    if (!call(Sys::ChannelSend, handle(c), bad, 1, 0).is(EFAULT) || !call(Sys::QueueSend, handle(q), bad, 1, 0).is(EFAULT) ||
        !call(Sys::ChannelReceive, handle(c), bad, sizeof buffer, 0).is(EFAULT) ||
        !call(Sys::QueueReceive, handle(q), bad, sizeof buffer, 0).is(EFAULT) || !call(Sys::Poll, bad, 1, 0).is(EFAULT)) {
      return 144;
    }
  }
  if (!call(Sys::QueueReceive, handle(q), code_address(), sizeof buffer, 0).is(EFAULT)) return 145;
  constexpr std::uint64_t kTooLong = 86'400ull * 1'000'000'000 + 1;
  if (!channel_receive(handle(c), buffer, sizeof buffer, kTooLong).is(EINVAL) ||
      !call(Sys::QueueSend, handle(q), address(buffer), 1, kTooLong).is(EINVAL) || !poll(both, 2, kTooLong).is(EINVAL)) {
    return 146;
  }
  // 43: FIFO, each message whole; a buffer too short is -EMSGSIZE and the message stays.
  char big[kMaxMessage];
  for (std::uint64_t i = 0; i < kMaxMessage; ++i) big[i] = static_cast<char>(i + 1);
  if (!queue_send(handle(q), "one", 3, 0).ok() || !queue_send(handle(q), "three", 5, 0).ok() ||
      !queue_send(handle(q), big, kMaxMessage, 0).ok() || !queue_send(handle(q), "four", 4, 0).is(EAGAIN)) {
    return 147;
  }
  // 44: poll: which entries a receive would not block on.
  const Result mask = poll(both, 2, 0);
  if (!mask.ok() || mask.value != 2) return 148;
  if (!queue_receive(handle(q), buffer, 2, 0).is(EMSGSIZE)) return 149;
  const Result r1 = queue_receive(handle(q), buffer, sizeof buffer, 0);
  if (!r1.ok() || r1.value != 3 || !same(buffer, "one", 3)) return 150;
  const Result r2 = queue_receive(handle(q), buffer, sizeof buffer, 0);
  if (!r2.ok() || r2.value != 5 || !same(buffer, "three", 5)) return 151;
  const Result r3 = queue_receive(handle(q), buffer, sizeof buffer, kForever);
  if (!r3.ok() || r3.value != static_cast<std::int64_t>(kMaxMessage) || !same(buffer, big, kMaxMessage)) return 152;
  // 45: poll's own limits.
  const std::uint64_t nine[9] = {handle(c), handle(c), handle(c), handle(c), handle(c), handle(c), handle(c), handle(c), handle(c)};
  const std::uint64_t stale[2] = {handle(c), 0};
  if (!call(Sys::Poll, address(both), 0, 0).is(EINVAL) || !call(Sys::Poll, address(nine), 9, 0).is(EINVAL) ||
      !call(Sys::Poll, address(stale), 2, 0).is(EBADF) || !poll(nine, 8, 0).is(EAGAIN)) {
    return 153;
  }
  // 46: handles that name nothing, or the wrong kind.
  const Result m = mutex_create();
  if (!m.ok()) return 154;
  for (const std::uint64_t bad : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64}, ~std::uint64_t{0},
                                  handle(c) + 256, handle(m)}) {
    if (!channel_send(bad, "x", 1, 0).is(EBADF) || !channel_receive(bad, buffer, sizeof buffer, 0).is(EBADF) ||
        !queue_send(bad, "x", 1, 0).is(EBADF) || !queue_receive(bad, buffer, sizeof buffer, 0).is(EBADF) ||
        !poll(&bad, 1, 0).is(EBADF)) {
      return 155;
    }
  }
  if (!channel_send(handle(q), "x", 1, 0).is(EBADF) || !queue_send(handle(c), "x", 1, 0).is(EBADF)) return 156;
  // 47: a queue holding messages is destroyed (they go with it); a stale handle names nothing.
  if (!queue_send(handle(q), "left", 4, 0).ok()) return 157;
  for (const Result& r : {c, q, m}) {
    if (!object_destroy(handle(r)).ok() || !object_destroy(handle(r)).is(EBADF)) return 158;
  }
  if (!channel_send(handle(c), "x", 1, 0).is(EBADF) || !queue_receive(handle(q), buffer, sizeof buffer, 0).is(EBADF)) {
    return 159;
  }
  // 48: the message slots run out (-EAGAIN) and all come back.
  std::uint64_t made[8];
  std::uint64_t n = 0;
  for (;; ++n) {
    const Result r = queue_create(8);
    if (r.is(EAGAIN)) break;
    if (!r.ok() || n == 8) return 160;
    made[n] = handle(r);
  }
  if (n == 0) return 161;
  while (n != 0) {
    if (!object_destroy(made[--n]).ok()) return 162;
  }
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_ipc_main) {
  if (const std::int64_t failed = check_threads(); failed != 0) return failed;
  for (;;) {
    if (const std::int64_t failed = check_objects(); failed != 0) return failed;
    ++*start.counter;
    yield();
  }
}
