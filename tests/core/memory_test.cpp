// memory_allocate / memory_free natively (core/syscall/dispatch.cpp,
// core/mem/heap_regions.h), through dispatch_syscall on the fake machine:
// the region word's rules, and a million allocate/free cycles that leak
// nothing.
#include <gtest/gtest.h>

#include "core/mem/heap_regions.h"
#include "core/user_layout.h"
#include "tests/core/scheduler_fixture.h"

namespace pristine {
namespace {

using mem::kHeapPages;
using mem::kPageSize;

class Memory : public SchedulerFixture {
 protected:
  std::int64_t call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    std::int64_t result = 0;
    syscall(number, a0, a1, &result);
    return result;
  }
  VirtAddr heap() const {
    const Task& t = *cpu().current;
    return t.private_start + PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE;
  }
};

TEST(HeapRegions, FirstFitAndExactRegions) {
  std::uint64_t w = 0;
  EXPECT_EQ(mem::first_fit(w, 1), 0u);
  EXPECT_EQ(mem::first_fit(w, kHeapPages), 0u);
  w |= mem::pages_mask(0, 2) | mem::start_bit(0);
  EXPECT_EQ(mem::first_fit(w, 1), 2u);
  EXPECT_TRUE(mem::is_region(w, 0, 2));
  EXPECT_FALSE(mem::is_region(w, 0, 1)) << "a part of it";
  EXPECT_FALSE(mem::is_region(w, 1, 1)) << "no start there";
  w |= mem::pages_mask(2, 1) | mem::start_bit(2);
  EXPECT_TRUE(mem::is_region(w, 0, 2)) << "followed by another region";
  EXPECT_FALSE(mem::is_region(w, 0, 3)) << "two regions";
  EXPECT_EQ(mem::pages_for(0), 0u);
  EXPECT_EQ(mem::pages_for(1), 1u);
  EXPECT_EQ(mem::pages_for(kPageSize + 1), 2u);
  EXPECT_EQ(mem::pages_for(PRISTINE_USER_HEAP_SIZE), kHeapPages);
  EXPECT_EQ(mem::pages_for(PRISTINE_USER_HEAP_SIZE + 1), 0u);
  EXPECT_EQ(mem::pages_for(~std::uint64_t{0}), 0u) << "no wrap";
}

TEST_F(Memory, AllocateFreeAndTheErrors) {
  add("a");
  start();
  EXPECT_EQ(call(Syscall::MemoryAllocate, 0), kEINVAL);
  EXPECT_EQ(call(Syscall::MemoryAllocate, ~std::uint64_t{0}), kEINVAL);
  const std::int64_t a = call(Syscall::MemoryAllocate, 3 * kPageSize);
  ASSERT_EQ(static_cast<VirtAddr>(a), heap());
  const std::int64_t b = call(Syscall::MemoryAllocate, 1);
  ASSERT_EQ(static_cast<VirtAddr>(b), heap() + 3 * kPageSize);
  EXPECT_EQ(call(Syscall::MemoryAllocate, 1), kENOMEM);
  EXPECT_EQ(call(Syscall::MemoryFree, a, kPageSize), kEINVAL) << "a part";
  EXPECT_EQ(call(Syscall::MemoryFree, a + 1, 3 * kPageSize), kEINVAL) << "unaligned";
  EXPECT_EQ(call(Syscall::MemoryFree, a, PRISTINE_USER_HEAP_SIZE), kEINVAL) << "two regions";
  fake_machine::state().unmapped.clear();
  EXPECT_EQ(call(Syscall::MemoryFree, a, 3 * kPageSize), 0);
  EXPECT_EQ(fake_machine::state().unmapped,
            (std::vector<VirtAddr>{heap(), heap() + kPageSize, heap() + 2 * kPageSize}))
      << "every page of the region unmapped";
  EXPECT_EQ(call(Syscall::MemoryFree, a, 3 * kPageSize), kEINVAL) << "a double free";
  EXPECT_EQ(call(Syscall::MemoryAllocate, 2 * kPageSize), a) << "first fit: the freed pages again";
}

TEST_F(Memory, AMillionAllocateFreeCyclesLeakNothing) {
  add("a");
  start();
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    const std::uint64_t length = 1 + (i * 2654435761u) % PRISTINE_USER_HEAP_SIZE;
    const std::int64_t a = call(Syscall::MemoryAllocate, length);
    ASSERT_EQ(static_cast<VirtAddr>(a), heap()) << i << ": the heap was left empty, first fit is its start";
    ASSERT_EQ(call(Syscall::MemoryFree, a, length), 0) << i;
    if (fake_machine::state().unmapped.size() > 4096) fake_machine::state().unmapped.clear();
  }
  EXPECT_EQ(cpu().current->heap_regions.load(), 0u) << "no page and no start left behind";
  EXPECT_EQ(call(Syscall::MemoryAllocate, PRISTINE_USER_HEAP_SIZE), static_cast<std::int64_t>(heap()))
      << "the whole heap is free";
}

}  // namespace
}  // namespace pristine
