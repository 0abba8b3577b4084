// Task slot reuse natively (core/sched/scheduler.cpp, "Task slots" in
// docs/scheduler.md), through dispatch_syscall on the fake machine: a
// collected slot is taken again with a new generation, a stale id names
// nothing, and a million spawn/exit/collect cycles leave the table whole.
#include <gtest/gtest.h>

#include "core/program_registry.h"
#include "tests/core/scheduler_fixture.h"

namespace pristine {
namespace {

class Slots : public SchedulerFixture {
 protected:
  std::int64_t call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    std::int64_t result = 0;
    syscall(number, a0, a1, &result);
    return result;
  }
  // The parent spawns an exiter, waits (the child runs and exits with
  // `code`), collects: the child's id.
  std::int64_t spawn_and_collect(std::int64_t code) {
    const std::int64_t child = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 1);
    EXPECT_GE(child, 0);
    std::int64_t blocked = 0;
    EXPECT_EQ(syscall(Syscall::WaitChild, static_cast<std::uint64_t>(child), 0, &blocked), "exiter");
    EXPECT_EQ(blocked, kEINTR);
    EXPECT_EQ(syscall(Syscall::Exit, static_cast<std::uint64_t>(code)), "parent");
    EXPECT_EQ(call(Syscall::WaitChild, static_cast<std::uint64_t>(child)), code);
    return child;
  }
  void boot() {
    add("parent");
    sched::prepare_spare_slots();
    start();
  }
};

TEST_F(Slots, ACollectedSlotIsTakenAgainWithANewId) {
  boot();
  const std::uint32_t slots = pristine_tasks.count;
  const std::int64_t first = spawn_and_collect(5);
  EXPECT_EQ(first, static_cast<std::int64_t>(slots | 1u << kSlotBits)) << "slot, generation 1";
  EXPECT_EQ(pristine_tasks.collected.load(), 1u << slots);
  ASSERT_EQ(fake_machine::state().recycled.size(), 1u) << "scrubbed at collection";
  EXPECT_TRUE(fake_machine::state().recycled[0].drop_pages) << "a process slot's stack and heap are dropped";
  const std::int64_t second = spawn_and_collect(6);
  EXPECT_EQ(second, static_cast<std::int64_t>(slots | 2u << kSlotBits)) << "the same slot, generation 2";
  EXPECT_EQ(pristine_tasks.count, slots + 1) << "no new slot";
  EXPECT_EQ(fake_machine::state().counters_reset.size(), 1u) << "the reused slot's counter starts at 0";
}

TEST_F(Slots, AStaleIdNamesNothingOnceItsSlotIsReused) {
  boot();
  const std::int64_t old = spawn_and_collect(1);
  const std::int64_t now = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 2);
  ASSERT_EQ(now & 0xFF, old & 0xFF) << "the same slot";
  ASSERT_NE(now, old);
  EXPECT_EQ(call(Syscall::WaitChild, static_cast<std::uint64_t>(old)), kECHILD);
  EXPECT_EQ(call(Syscall::Wake, static_cast<std::uint64_t>(old)), kEINVAL);
  EXPECT_EQ(call(Syscall::ThreadJoin, static_cast<std::uint64_t>(old)), kESRCH);
  EXPECT_EQ(call(Syscall::Wake, static_cast<std::uint64_t>(now)), 0) << "the new occupant is reachable by its own id";
  EXPECT_EQ(call(Syscall::Wake, static_cast<std::uint64_t>(now & 0xFF)), kEINVAL) << "a bare slot is generation 0: stale";
}

TEST_F(Slots, TheNewOccupantStartsClean) {
  boot();
  const std::int64_t child = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 1);
  Task& slot = pristine_tasks.tasks[child & 0xFF];
  std::int64_t ignored = 0;
  syscall(Syscall::WaitChild, static_cast<std::uint64_t>(child), 0, &ignored);  // the child runs
  slot.files[3].kind = fs::kImageFile;
  slot.profile.open = 0x5;
  slot.heap_regions.store(0x100000001);
  slot.fault_vector = 14;
  syscall(Syscall::Exit, 9);
  EXPECT_EQ(call(Syscall::WaitChild, static_cast<std::uint64_t>(child)), 9);
  const std::int64_t next = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 1);
  ASSERT_EQ(&pristine_tasks.tasks[next & 0xFF], &slot);
  EXPECT_EQ(slot.files[3].kind, fs::kFree);
  EXPECT_EQ(slot.profile.open, 0u);
  EXPECT_EQ(slot.heap_regions.load(), 0u);
  EXPECT_EQ(slot.fault_vector, kNoFault);
  EXPECT_EQ(slot.reaped, 0u);
  EXPECT_EQ(slot.switches_in, 0u);
  EXPECT_EQ(slot.state, TaskState::Runnable);
}

TEST_F(Slots, AProcessThatMadeKernelObjectsKeepsItsSlot) {
  boot();
  const std::int64_t child = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 1);
  std::int64_t ignored = 0;
  syscall(Syscall::WaitChild, static_cast<std::uint64_t>(child), 0, &ignored);
  EXPECT_GE(call(Syscall::MutexCreate), 0) << "the child makes an object its slot would pass on";
  syscall(Syscall::Exit, 0);
  EXPECT_EQ(call(Syscall::WaitChild, static_cast<std::uint64_t>(child)), 0);
  const std::int64_t next = call(Syscall::Spawn, static_cast<std::uint64_t>(UserProgram::Exiter), 1);
  EXPECT_NE(next & 0xFF, child & 0xFF) << "a fresh slot instead";
}

TEST_F(Slots, AMillionSpawnExitCollectCyclesLeaveTheTableWhole) {
  boot();
  const std::uint32_t slots = pristine_tasks.count;
  std::int64_t last = -1;
  for (std::int64_t i = 0; i < 1'000'000; ++i) {
    const std::int64_t child = spawn_and_collect(i);
    ASSERT_NE(child, last) << i;
    ASSERT_EQ(child & 0xFF, slots) << i << ": the one slot, every time";
    last = child;
    if (fake_machine::state().recycled.size() > 4096) fake_machine::state().recycled.clear();
    if (fake_machine::state().counters_reset.size() > 4096) fake_machine::state().counters_reset.clear();
    if (fake_machine::state().ipis.size() > 4096) fake_machine::state().ipis.clear();
  }
  EXPECT_EQ(pristine_tasks.count, slots + 1);
  EXPECT_EQ(pristine_tasks.collected.load(), 1u << slots) << "collected, free again";
  EXPECT_EQ(pristine_tasks.tasks[slots].generation, 1'000'000u);
  EXPECT_EQ(cpu().load.load(), 1u) << "the parent alone is runnable";
}

}  // namespace
}  // namespace pristine
