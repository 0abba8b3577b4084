// The TLB model (sim/tlb_model.h) on its own: which CPU still caches an
// unmapped ring-3 page, and when a task that skipped its shootdown is caught.
#include "sim/tlb_model.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

constexpr VirtAddr kPage = 0x405000;

struct Tlb : ::testing::Test {
  Violations violations;
  TlbModel tlb{3, violations, [](int task) { return "task" + std::to_string(task); }};
  static bool all_run(CpuId) { return true; }
};

TEST_F(Tlb, ACpuThatRanRing3CodeKeepsTheTranslationUntilItFlushesThePage) {
  tlb.ran_user(1);
  tlb.user_page_unmapped(0, 7, kPage, all_run);
  EXPECT_TRUE(tlb.shootdowns_in_progress());
  tlb.task_returned(7, 1000);
  ASSERT_EQ(violations.list().size(), 1u);
  EXPECT_EQ(violations.list()[0].kind, "shootdown-incomplete");
  EXPECT_NE(violations.list()[0].message.find("task7"), std::string::npos);
  EXPECT_NE(violations.list()[0].message.find("CPU 1"), std::string::npos);
  EXPECT_FALSE(tlb.shootdowns_in_progress());
}

TEST_F(Tlb, AFlushOfThePageBeforeTheTaskReturnsCompletesTheShootdown) {
  tlb.ran_user(1);
  tlb.ran_user(2);
  tlb.user_page_unmapped(0, 7, kPage, all_run);
  tlb.flushed(1, kPage);
  tlb.flushed(2, kFlushAll);
  tlb.task_returned(7, 1000);
  EXPECT_TRUE(violations.list().empty());
  EXPECT_EQ(tlb.shootdowns(), 1u);
  EXPECT_EQ(tlb.flushes(), 2u);
}

TEST_F(Tlb, ACpuThatNeverRanRing3CodeOrIsStoppedCachesNothing) {
  tlb.ran_user(2);
  tlb.user_page_unmapped(0, 7, kPage, [](CpuId id) { return id != 2; });
  tlb.task_returned(7, 1000);
  EXPECT_TRUE(violations.list().empty());
}

TEST_F(Tlb, AFullFlushForgetsThatRing3CodeRan) {
  tlb.ran_user(1);
  tlb.flushed(1, kFlushAll);
  tlb.user_page_unmapped(0, 7, kPage, all_run);
  tlb.task_returned(7, 1000);
  EXPECT_TRUE(violations.list().empty());
}

TEST_F(Tlb, AnotherTasksReturnDoesNotEndTheShootdown) {
  tlb.ran_user(1);
  tlb.user_page_unmapped(0, 7, kPage, all_run);
  tlb.task_returned(8, 1000);
  EXPECT_TRUE(violations.list().empty());
  EXPECT_TRUE(tlb.shootdowns_in_progress());
}

TEST(ViolationsSink, RaiseOnceKeepsTheFirstOfItsKindAndRaiseKeepsEvery) {
  Violations v;
  v.raise_once({.kind = "double-eoi", .message = "first"});
  v.raise_once({.kind = "double-eoi", .message = "second"});
  v.raise({.kind = "budget", .message = "a"});
  v.raise({.kind = "budget", .message = "b"});
  ASSERT_EQ(v.list().size(), 3u);
  EXPECT_EQ(v.list()[0].message, "first");
  EXPECT_TRUE(v.has("budget"));
  EXPECT_FALSE(v.has("missing-eoi"));
}

// A violation repeated for the whole run keeps its first kMaxPerKind
// occurrences and a count of the rest: the sink does not grow with the run.
TEST(ViolationsSink, ARepeatedViolationIsListedAtMostKMaxPerKindTimesAndTheRestCounted) {
  Violations v;
  for (int i = 0; i < 100000; ++i) v.raise({.kind = "ipi-handled-twice", .message = std::to_string(i)});
  v.raise({.kind = "budget", .message = "over"});
  const std::vector<Violation> list = v.list();
  ASSERT_EQ(list.size(), Violations::kMaxPerKind + 2);
  EXPECT_EQ(list[0].message, "0");
  EXPECT_EQ(list[Violations::kMaxPerKind - 1].message, std::to_string(Violations::kMaxPerKind - 1));
  EXPECT_EQ(list[Violations::kMaxPerKind].kind, "budget") << "a later kind is still listed";
  EXPECT_EQ(list.back().kind, "ipi-handled-twice");
  EXPECT_NE(list.back().message.find(std::to_string(100000 - Violations::kMaxPerKind) + " more"), std::string::npos)
      << list.back().message;
  EXPECT_TRUE(v.has("ipi-handled-twice"));
}

}  // namespace
}  // namespace pristine::sim
