// IPC (core/sync/ipc.h): channels, queues and poll through the system calls,
// compiled natively against the fake machine, one CPU. Each call is made the
// way the kernel makes it: its arguments and result in the caller's own
// TrapFrame, so a result decided later (by a peer, by a deadline) is read
// where the task would find it, in its frame's RAX and carry flag.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/sync/ipc.h"
#include "core/sync/kernel_object.h"
#include "tests/core/scheduler_fixture.h"

extern "C" char __user_start[];

namespace pristine {
namespace {

class Ipc : public SchedulerFixture {
 protected:
  void SetUp() override {
    SchedulerFixture::SetUp();
    pristine_objects.free.store(~std::uint64_t{0});
    pristine_objects.created.store(0);
    for (sync::KernelObject& o : pristine_objects.objects) o.word.store(0);
    pristine_ipc.queue_slots_left.store(ipc::kQueueMessageSlots);
    pristine_ipc.pollers.store(0);
    std::memset(__user_start, 0, 4096);
  }

  // A call by the running task, its arguments in its frame as the entry
  // path leaves them; the result it sees now (for a call that blocked: what
  // its frame says so far).
  std::int64_t call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                    std::uint64_t a3 = 0) {
    TrapFrame* frame = resume_;
    frame->syscall = SyscallArgs{static_cast<std::uint64_t>(number), {a0, a1, a2, a3}};
    resume_ = dispatch_syscall(frame->syscall, frame);
    running();
    return static_cast<std::int64_t>(frame->rax);
  }
  std::uint64_t make(Syscall create, std::uint64_t arg = 0) {
    const std::int64_t handle = call(create, arg);
    EXPECT_GT(handle, 0);
    return static_cast<std::uint64_t>(handle);
  }
  void run(const std::string& name) {
    for (int i = 0; i < 16 && running() != name; ++i) call(Syscall::Yield);
    ASSERT_EQ(running(), name);
  }
  // What `task`'s blocked call returns when it runs again, and its carry flag.
  static std::int64_t result_of(const Task& task) { return static_cast<std::int64_t>(task.frame->rax); }
  static bool error_flag(const Task& task) { return (task.frame->rflags & 1) != 0; }

  // Ring-3 memory: plain host memory here (tests/core/fake_machine.cpp).
  static std::uint64_t user(std::uint64_t offset) { return reinterpret_cast<std::uint64_t>(__user_start) + offset; }
  static char* at(std::uint64_t offset) { return __user_start + offset; }
  static std::uint64_t text(std::uint64_t offset, const char* s) {
    std::strcpy(at(offset), s);
    return user(offset);
  }

  // Threads of the first task's process.
  Task* thread(const char* name, std::uint32_t priority = 0) {
    Task* t = add(name, priority);
    t->process = 1;
    return t;
  }
};

constexpr std::uint64_t kFar = 3000;  // nanoseconds, at the fixture's 1 GHz: three tick periods

TEST_F(Ipc, AQueueIsFifoBoundedAndTriesOnlyWhenAskedTo) {
  add("a");
  start();
  EXPECT_EQ(call(Syscall::QueueCreate, 0), kEINVAL);
  EXPECT_EQ(call(Syscall::QueueCreate, ipc::kMaxQueueDepth + 1), kEINVAL);
  const std::uint64_t q = make(Syscall::QueueCreate, 3);
  for (const char* m : {"one", "two", "three"}) {
    EXPECT_EQ(call(Syscall::QueueSend, q, text(0, m), std::strlen(m), 0), 0) << m;
  }
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "four"), 4, 0), kEAGAIN) << "full";
  EXPECT_EQ(call(Syscall::QueueSend, q, user(0), ipc::kMaxMessage + 1, 0), kEMSGSIZE);
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(100), 2, 0), kEMSGSIZE) << "too short: the message stays";
  for (const char* m : {"one", "two", "three"}) {
    ASSERT_EQ(call(Syscall::QueueReceive, q, user(100), 64, 0), static_cast<std::int64_t>(std::strlen(m)));
    EXPECT_EQ(std::string(at(100), std::strlen(m)), m);
  }
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(100), 64, 0), kEAGAIN) << "empty";
  EXPECT_EQ(running(), "a");
}

TEST_F(Ipc, TheRingWrapsAroundItsCells) {
  add("a");
  start();
  const std::uint64_t q = make(Syscall::QueueCreate, 2);
  for (int i = 0; i < 1000; ++i) {
    const char m[2] = {static_cast<char>('a' + i % 26), 0};
    ASSERT_EQ(call(Syscall::QueueSend, q, text(0, m), 1, 0), 0);
    if (i % 2 == 1) {
      ASSERT_EQ(call(Syscall::QueueReceive, q, user(100), 64, 0), 1);
      ASSERT_EQ(*at(100), 'a' + (i - 1) % 26);
      ASSERT_EQ(call(Syscall::QueueReceive, q, user(100), 64, 0), 1);
      ASSERT_EQ(*at(100), 'a' + i % 26);
    }
  }
}

TEST_F(Ipc, ARendezvousWithTheReceiverFirstCopiesStraightIntoItsBuffer) {
  add("sender");
  Task* receiver = thread("receiver");
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  EXPECT_EQ(call(Syscall::ChannelSend, ch, text(0, "x"), 1, 0), kEAGAIN) << "nobody receives";
  run("receiver");
  call(Syscall::ChannelReceive, ch, user(200), 64, ipc::kForever);
  EXPECT_EQ(receiver->state, TaskState::Blocked);
  EXPECT_EQ(call(Syscall::ObjectDestroy, ch), kEBUSY) << "a task waits on it";
  EXPECT_EQ(running(), "sender");
  EXPECT_EQ(call(Syscall::ChannelSend, ch, text(0, "hello"), 5, 0), 0) << "a try succeeds into a waiting receiver";
  EXPECT_EQ(std::string(at(200), 5), "hello");
  EXPECT_EQ(result_of(*receiver), 5);
  EXPECT_FALSE(error_flag(*receiver));
  EXPECT_NE(receiver->state, TaskState::Blocked);
  EXPECT_EQ(call(Syscall::ObjectDestroy, ch), 0);
}

TEST_F(Ipc, ARendezvousWithTheSenderFirstLeavesItWaitingUntilTaken) {
  add("receiver");
  Task* sender = thread("sender");
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  const std::uint64_t handles = user(300);
  std::memcpy(at(300), &ch, sizeof ch);
  EXPECT_EQ(call(Syscall::Poll, handles, 1, 0), kEAGAIN);
  run("sender");
  call(Syscall::ChannelSend, ch, text(0, "message"), 7, ipc::kForever);
  EXPECT_EQ(sender->state, TaskState::Blocked);
  run("receiver");
  EXPECT_EQ(call(Syscall::Poll, handles, 1, 0), 1) << "a receive would not block";
  EXPECT_EQ(call(Syscall::ChannelReceive, ch, user(200), 3, 0), kEMSGSIZE) << "it stays with its sender";
  EXPECT_EQ(sender->state, TaskState::Blocked);
  EXPECT_EQ(call(Syscall::ChannelReceive, ch, user(200), 64, 0), 7);
  EXPECT_EQ(std::string(at(200), 7), "message");
  EXPECT_EQ(result_of(*sender), 0);
  EXPECT_NE(sender->state, TaskState::Blocked);
  EXPECT_EQ(call(Syscall::ChannelReceive, ch, user(200), 64, 0), kEAGAIN) << "taken once";
}

TEST_F(Ipc, WaitersAreTakenHighestPriorityFirstThenLowestId) {
  add("main", 1);
  Task* low = thread("low", 1);
  Task* high_a = thread("high-a", 1);
  Task* high_b = thread("high-b", 1);
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  for (const char* name : {"high-b", "low", "high-a"}) {
    run(name);
    call(Syscall::ChannelSend, ch, text(0, name), std::strlen(name), ipc::kForever);
    EXPECT_NE(running(), name);
  }
  high_a->priority = high_b->priority = 2;  // blocked: as if raised before they blocked
  run("main");
  for (const char* expected : {"high-a", "high-b", "low"}) {
    ASSERT_EQ(call(Syscall::ChannelReceive, ch, user(200), 64, 0), static_cast<std::int64_t>(std::strlen(expected)));
    EXPECT_EQ(std::string(at(200), std::strlen(expected)), expected);
    run("main");
  }
  EXPECT_NE(low->state, TaskState::Blocked);
}

TEST_F(Ipc, ASendToAnEmptyQueueWakesTheFirstWaitingReceiverToCallAgain) {
  add("main", 1);
  Task* low = thread("low", 1);
  Task* high = thread("high", 1);
  start();
  const std::uint64_t q = make(Syscall::QueueCreate, 1);
  for (const char* name : {"low", "high"}) {
    run(name);
    call(Syscall::QueueReceive, q, user(200), 64, ipc::kForever);
  }
  high->priority = 2;
  run("main");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "m"), 1, 0), 0);
  EXPECT_EQ(running(), "high") << "woken first, and it outranks the sender";
  EXPECT_EQ(result_of(*high), kEINTR);
  EXPECT_TRUE(error_flag(*high));
  EXPECT_EQ(low->state, TaskState::Blocked) << "one message, one waiter woken";
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), 1) << "its call again";
  // A full queue: the blocked sender is woken by the receive that makes room.
  run("main");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "a"), 1, 0), 0) << "low took it (woken by the send)";
  run("low");
  EXPECT_EQ(result_of(*low), kEINTR);
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), 1);
  run("main");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "b"), 1, 0), 0);
  run("low");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "c"), 1, ipc::kForever), kEINTR) << "blocks: full";
  EXPECT_EQ(low->state, TaskState::Blocked);
  run("main");
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), 1);
  EXPECT_NE(low->state, TaskState::Blocked) << "room: woken to send again";
  run("low");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "c"), 1, 0), 0);
}

TEST_F(Ipc, ATimeoutExpiresOnTheTickAfterItsDeadlineAndLeavesNothingBehind) {
  add("main");
  Task* waiter = thread("waiter", 1);
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  const std::uint64_t q = make(Syscall::QueueCreate, 1);
  EXPECT_EQ(call(Syscall::ChannelReceive, ch, user(200), 64, ipc::kMaxTimeoutNanoseconds + 1), kEINVAL);
  run("waiter");
  const Cycles asked = fake_machine::state().now;
  call(Syscall::ChannelReceive, ch, user(200), 64, kFar);
  EXPECT_EQ(waiter->state, TaskState::Blocked);
  EXPECT_EQ(cpu().sleepers, waiter) << "in the sleep list, with its deadline";
  EXPECT_EQ(call(Syscall::ObjectDestroy, ch), kEBUSY);
  while (waiter->state == TaskState::Blocked) {
    tick();
    ASSERT_LT(fake_machine::state().now, asked + 10 * kPeriod);
  }
  EXPECT_GE(fake_machine::state().now, asked + kFar);
  // Set when it blocked (its flag by the entry path's syscall_switch, not
  // run here: the conformance tests check it from ring 3).
  EXPECT_EQ(result_of(*waiter), kETIMEDOUT);
  EXPECT_EQ(cpu().sleepers, nullptr);
  run("main");
  EXPECT_EQ(call(Syscall::ChannelSend, ch, text(0, "x"), 1, 0), kEAGAIN) << "no receiver left behind";
  EXPECT_EQ(call(Syscall::ObjectDestroy, ch), 0);
  // The same for a sender on a full queue, and for poll.
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "1"), 1, 0), 0);
  run("waiter");
  call(Syscall::QueueSend, q, text(0, "2"), 1, kFar);
  while (waiter->state == TaskState::Blocked) tick();
  EXPECT_EQ(result_of(*waiter), kETIMEDOUT);
  run("main");
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), 1);
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), kEAGAIN) << "the timed-out message never went in";
  std::memcpy(at(300), &q, sizeof q);
  run("waiter");
  call(Syscall::Poll, user(300), 1, kFar);
  while (waiter->state == TaskState::Blocked) tick();
  EXPECT_EQ(result_of(*waiter), kETIMEDOUT);
  EXPECT_EQ(pristine_ipc.pollers.load(), 0u);
  run("main");
  EXPECT_EQ(call(Syscall::ObjectDestroy, q), 0);
}

TEST_F(Ipc, APeerBeforeTheDeadlineWinsAndTheTickLeavesTheWaiterAlone) {
  add("main");
  Task* waiter = thread("waiter", 1);
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  run("waiter");
  call(Syscall::ChannelReceive, ch, user(200), 64, kFar);
  run("main");
  EXPECT_EQ(call(Syscall::ChannelSend, ch, text(0, "in time"), 7, 0), 0);
  EXPECT_EQ(running(), "waiter") << "it outranks the sender";
  EXPECT_EQ(result_of(*waiter), 7);
  EXPECT_EQ(cpu().sleepers, nullptr) << "out of the sleep list as it arrived";
  for (int i = 0; i < 5; ++i) tick();
  EXPECT_EQ(result_of(*waiter), 7) << "no late -ETIMEDOUT";
}

TEST_F(Ipc, PollSleepsUntilAnObjectOfItsProcessBecomesReady) {
  add("main");
  Task* poller = thread("poller", 1);
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  const std::uint64_t q = make(Syscall::QueueCreate, 2);
  std::memcpy(at(300), &ch, sizeof ch);
  std::memcpy(at(308), &q, sizeof q);
  EXPECT_EQ(call(Syscall::Poll, user(300), 0, 0), kEINVAL);
  EXPECT_EQ(call(Syscall::Poll, user(300), ipc::kMaxPollHandles + 1, 0), kEINVAL);
  EXPECT_EQ(call(Syscall::Poll, 0, 1, 0), kEFAULT);
  const std::uint64_t mutex = make(Syscall::MutexCreate);
  std::memcpy(at(316), &mutex, sizeof mutex);
  EXPECT_EQ(call(Syscall::Poll, user(300), 3, 0), kEBADF) << "a mutex is not polled";
  run("poller");
  call(Syscall::Poll, user(300), 2, ipc::kForever);
  EXPECT_EQ(poller->state, TaskState::Blocked);
  run("main");
  EXPECT_EQ(call(Syscall::QueueSend, q, text(0, "m"), 1, 0), 0);
  EXPECT_NE(poller->state, TaskState::Blocked);
  EXPECT_EQ(result_of(*poller), kEINTR) << "poll again";
  run("poller");
  EXPECT_EQ(call(Syscall::Poll, user(300), 2, 0), 2) << "bit 1: the queue";
}

TEST_F(Ipc, AnotherProcessCannotUseTheObjectsAndTheWrongKindIsEbadf) {
  add("a");
  add("b");
  start();
  const std::uint64_t ch = make(Syscall::ChannelCreate);
  const std::uint64_t q = make(Syscall::QueueCreate, 1);
  const std::uint64_t m = make(Syscall::MutexCreate);
  EXPECT_EQ(call(Syscall::ChannelSend, q, text(0, "x"), 1, 0), kEBADF);
  EXPECT_EQ(call(Syscall::QueueSend, ch, text(0, "x"), 1, 0), kEBADF);
  EXPECT_EQ(call(Syscall::ChannelReceive, m, user(200), 64, 0), kEBADF);
  run("b");
  EXPECT_EQ(call(Syscall::ChannelSend, ch, text(0, "x"), 1, 0), kEBADF);
  EXPECT_EQ(call(Syscall::QueueReceive, q, user(200), 64, 0), kEBADF);
  EXPECT_EQ(call(Syscall::ObjectDestroy, q), kEBADF);
}

TEST_F(Ipc, TheMessageSlotsRunOutAndADestroyedQueueGivesItsBack) {
  add("a");
  start();
  std::uint64_t queues[ipc::kQueueMessageSlots / ipc::kMaxQueueDepth];
  for (std::uint64_t& h : queues) h = make(Syscall::QueueCreate, ipc::kMaxQueueDepth);
  EXPECT_EQ(call(Syscall::QueueCreate, 1), kEAGAIN);
  EXPECT_EQ(pristine_ipc.queue_slots_left.load(), 0u);
  EXPECT_EQ(call(Syscall::QueueSend, queues[3], text(0, "dropped"), 7, 0), 0);
  EXPECT_EQ(call(Syscall::ObjectDestroy, queues[3]), 0) << "messages go with it";
  const std::uint64_t again = make(Syscall::QueueCreate, ipc::kMaxQueueDepth);
  EXPECT_EQ(call(Syscall::QueueReceive, again, user(200), 64, 0), kEAGAIN) << "a new queue starts empty";
  EXPECT_EQ(call(Syscall::QueueReceive, queues[3], user(200), 64, 0), kEBADF) << "stale";
}

TEST_F(Ipc, AMillionChannelsAndQueuesCreatedAndDestroyedLeaveThePoolWhole) {
  add("a");
  start();
  std::uint64_t previous = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const std::uint64_t h = i % 2 == 0 ? make(Syscall::ChannelCreate) : make(Syscall::QueueCreate, 1 + i % 8);
    ASSERT_NE(h, previous);
    if (i % 1000 == 1) {
      ASSERT_EQ(call(Syscall::QueueSend, h, text(0, "m"), 1, 0), 0);
    }
    ASSERT_EQ(call(Syscall::ObjectDestroy, h), 0);
    previous = h;
  }
  EXPECT_EQ(__builtin_popcountll(pristine_objects.free.load()), static_cast<int>(sync::kMaxObjects));
  EXPECT_EQ(pristine_ipc.queue_slots_left.load(), ipc::kQueueMessageSlots);
  EXPECT_EQ(pristine_objects.created.load(), 1'000'000u);
}

}  // namespace
}  // namespace pristine
