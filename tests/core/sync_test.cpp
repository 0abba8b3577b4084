// Kernel objects (core/sync/): the pool, mutexes, semaphores and condition
// variables through the system calls, compiled natively against the fake
// machine, one CPU. Wake-up order and hand-over are what docs/syscalls.md
// promises ring 3.
#include <gtest/gtest.h>

#include "core/sync/kernel_object.h"
#include "tests/core/scheduler_fixture.h"

namespace pristine {
namespace {

class Sync : public SchedulerFixture {
 protected:
  void SetUp() override {
    SchedulerFixture::SetUp();
    pristine_objects.free.store(~std::uint64_t{0});
    pristine_objects.created.store(0);
    for (sync::KernelObject& o : pristine_objects.objects) o.word.store(0);
  }

  // A call by the running task; its result (for a call that blocked: the
  // result it will see when it runs again).
  std::int64_t call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    std::int64_t result = 0;
    syscall(number, a0, a1, &result);
    return result;
  }
  std::uint64_t make(Syscall create, std::uint64_t arg = 0) {
    const std::int64_t handle = call(create, arg);
    EXPECT_GT(handle, 0);
    return static_cast<std::uint64_t>(handle);
  }
  // Let `name` run next: the running task yields until it does.
  void run(const std::string& name) {
    for (int i = 0; i < 8 && running() != name; ++i) syscall(Syscall::Yield);
    ASSERT_EQ(running(), name);
  }
  static std::uint64_t free_slots() { return static_cast<std::uint64_t>(__builtin_popcountll(pristine_objects.free.load())); }
};

TEST_F(Sync, AMillionObjectsCreatedAndDestroyedLeaveThePoolWhole) {
  add("a");
  start();
  std::uint64_t previous = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const std::uint64_t h = make(i % 3 == 0 ? Syscall::MutexCreate : i % 3 == 1 ? Syscall::SemaphoreCreate : Syscall::ConditionCreate, 1);
    ASSERT_NE(h, previous) << "a new object never reuses its predecessor's handle";
    ASSERT_EQ(call(Syscall::ObjectDestroy, h), 0);
    previous = h;
  }
  EXPECT_EQ(free_slots(), sync::kMaxObjects);
  EXPECT_EQ(pristine_objects.created.load(), 1'000'000u);
}

TEST_F(Sync, ThePoolRunsOutWithEagainAndAStaleHandleNamesNothing) {
  add("a");
  start();
  std::uint64_t handles[sync::kMaxObjects];
  for (std::uint64_t& h : handles) h = make(Syscall::MutexCreate);
  EXPECT_EQ(call(Syscall::SemaphoreCreate, 1), kEAGAIN);
  EXPECT_EQ(call(Syscall::ObjectDestroy, handles[5]), 0);
  const std::uint64_t again = make(Syscall::SemaphoreCreate, 1);
  EXPECT_EQ(again & 0xFF, handles[5] & 0xFF) << "the freed slot";
  EXPECT_EQ(call(Syscall::MutexLock, handles[5]), kEBADF) << "the old handle misses the new object";
  EXPECT_EQ(call(Syscall::ObjectDestroy, handles[5]), kEBADF);
  EXPECT_EQ(call(Syscall::SemaphoreWait, again), 0);
  for (std::uint64_t h : {std::uint64_t{0}, std::uint64_t{64}, std::uint64_t{1} << 16, ~std::uint64_t{0}}) {
    EXPECT_EQ(call(Syscall::MutexLock, h), kEBADF) << h;
  }
}

TEST_F(Sync, AnotherProcessCannotUseTheObject) {
  add("a");
  add("b");
  start();
  const std::uint64_t m = make(Syscall::MutexCreate);
  run("b");
  EXPECT_EQ(call(Syscall::MutexLock, m), kEBADF);
  EXPECT_EQ(call(Syscall::ObjectDestroy, m), kEBADF);
}

TEST_F(Sync, UnlockHandsTheMutexToTheHighestPriorityWaiterThenTheLowestId) {
  add("owner", 1);
  Task* low = add("low", 1);
  Task* high_a = add("high-a", 1);
  Task* high_b = add("high-b", 1);
  for (Task* t : {low, high_a, high_b}) t->process = 1;  // threads of owner's process
  start();
  ASSERT_EQ(running(), "owner");
  const std::uint64_t m = make(Syscall::MutexCreate);
  EXPECT_EQ(call(Syscall::MutexLock, m), 0);
  for (const char* name : {"high-b", "low", "high-a"}) {
    run(name);
    EXPECT_EQ(call(Syscall::MutexLock, m), 0);  // blocks: 0 is what it sees once it owns the mutex
    EXPECT_NE(running(), name);
  }
  high_a->priority = high_b->priority = 2;  // blocked: as if raised before they blocked
  run("owner");
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0);
  EXPECT_EQ(running(), "high-a") << "highest priority, lowest id first; it preempts the unlocker";
  EXPECT_EQ(call(Syscall::MutexLock, m), kEDEADLK) << "it owns the mutex";
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0);
  EXPECT_EQ(running(), "high-a") << "an equal priority does not preempt";
  EXPECT_EQ(call(Syscall::MutexLock, m), 0) << "blocks behind high-b, who owns it now";
  EXPECT_EQ(high_a->state, TaskState::Blocked);
  run("high-b");
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0);
  run("high-a");
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0) << "high-a again, before low";
  run("low");
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0) << "low got it last";
  EXPECT_EQ(call(Syscall::MutexUnlock, m), kEPERM);
  EXPECT_EQ(call(Syscall::ObjectDestroy, m), 0);
}

TEST_F(Sync, AnExitingOwnerPassesItsMutexOn) {
  add("owner");
  Task* waiter = add("waiter");
  waiter->process = 1;
  start();
  const std::uint64_t m = make(Syscall::MutexCreate);
  EXPECT_EQ(call(Syscall::MutexLock, m), 0);
  run("waiter");
  call(Syscall::MutexLock, m);
  EXPECT_EQ(waiter->state, TaskState::Blocked);
  EXPECT_EQ(running(), "owner");
  syscall(Syscall::Exit, 0);
  EXPECT_EQ(running(), "waiter");
  EXPECT_EQ(call(Syscall::ObjectDestroy, m), kEBUSY) << "held by the waiter now";
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0);
  EXPECT_EQ(call(Syscall::ObjectDestroy, m), 0);
}

TEST_F(Sync, APlainWakeDoesNotEndAnObjectWait) {
  add("a");
  Task* b = add("b");
  b->process = 1;
  start();
  const std::uint64_t s = make(Syscall::SemaphoreCreate, 0);
  run("b");
  call(Syscall::SemaphoreWait, s);
  EXPECT_EQ(b->state, TaskState::Blocked);
  EXPECT_EQ(running(), "a");
  call(Syscall::Wake, b->id);
  EXPECT_EQ(b->state, TaskState::Blocked) << "only a post ends a semaphore wait";
  EXPECT_EQ(call(Syscall::SemaphorePost, s), 0);
  EXPECT_NE(b->state, TaskState::Blocked);
  call(Syscall::SemaphoreWait, s);
  EXPECT_EQ(running(), "b") << "a blocks: the count did not grow, the unit went to b";
  EXPECT_EQ(call(Syscall::SemaphorePost, s), 0);
  EXPECT_EQ(call(Syscall::ObjectDestroy, s), 0) << "nobody waits, nothing counted";
}

TEST_F(Sync, ASemaphoreCountsUpToItsLimit) {
  add("a");
  start();
  EXPECT_EQ(call(Syscall::SemaphoreCreate, 65536), kEINVAL);
  const std::uint64_t s = make(Syscall::SemaphoreCreate, 65534);
  EXPECT_EQ(call(Syscall::SemaphorePost, s), 0);
  EXPECT_EQ(call(Syscall::SemaphorePost, s), kEOVERFLOW);
  EXPECT_EQ(call(Syscall::SemaphoreWait, s), 0);
  EXPECT_EQ(running(), "a");
}

TEST_F(Sync, AConditionWaitReleasesTheMutexAndBroadcastWakesEveryWaiter) {
  add("main");
  Task* w1 = add("w1");
  Task* w2 = add("w2");
  w1->process = w2->process = 1;
  start();
  const std::uint64_t m = make(Syscall::MutexCreate);
  const std::uint64_t c = make(Syscall::ConditionCreate);
  EXPECT_EQ(call(Syscall::ConditionWait, c, m), kEPERM) << "not held";
  EXPECT_EQ(call(Syscall::ConditionWait, m, m), kEBADF) << "not a condition";
  for (const char* name : {"w1", "w2"}) {
    run(name);
    EXPECT_EQ(call(Syscall::MutexLock, m), 0);
    EXPECT_EQ(call(Syscall::ConditionWait, c, m), 0);
    EXPECT_NE(running(), name) << "blocked, the mutex released";
  }
  run("main");
  EXPECT_EQ(call(Syscall::MutexLock, m), 0) << "free: both waiters released it";
  EXPECT_EQ(call(Syscall::ConditionSignal, c), 1);
  EXPECT_EQ(call(Syscall::ConditionBroadcast, c), 1) << "one left after the signal";
  EXPECT_EQ(call(Syscall::ConditionBroadcast, c), 0);
  EXPECT_NE(w1->state, TaskState::Blocked);
  EXPECT_NE(w2->state, TaskState::Blocked);
  EXPECT_EQ(call(Syscall::MutexUnlock, m), 0);
}

}  // namespace
}  // namespace pristine
