// Handler costs are measured from delivery to the return, with nested
// handlers both included (inclusive) and subtracted (exclusive).
#include "sim/handler_accounting.h"

#include <gtest/gtest.h>


namespace pristine::sim {
namespace {

// The one sample of a series (0 and a failure if it has not exactly one).
std::uint64_t only(const SampleHistogram& h) {
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min(), h.max());
  return h.count() == 1 ? h.min() : 0;
}

TEST(HandlerAccounting, SingleHandlerInclusiveEqualsExclusive) {
  HandlerAccounting a;
  a.open(0x30, 1000, 50, 7, {0x1000, 0x2000, true});
  const auto closed = a.close(1400, 170, 7);
  ASSERT_TRUE(closed.has_value());
  EXPECT_FALSE(closed->switched);
  EXPECT_EQ(closed->resume.rsp, 0x1000u) << "the resume point comes back for the RSP check";
  const HandlerSamples& s = a.samples(0x30, false);
  EXPECT_EQ(only(s.cycles), 400u);
  EXPECT_EQ(only(s.cycles_exclusive), 400u);
  EXPECT_EQ(only(s.instructions), 120u);
}

TEST(HandlerAccounting, NestedHandlerIsSubtractedFromItsParent) {
  HandlerAccounting a;
  a.open(0x30, 1000, 0, 0);
  a.open(0x0e, 1100, 10, 0);  // a fault inside the timer handler
  a.close(1300, 40, 0);
  a.close(1500, 100, 0);
  EXPECT_EQ(only(a.samples(0x0e, false).cycles), 200u);
  EXPECT_EQ(only(a.samples(0x30, false).cycles), 500u);
  EXPECT_EQ(only(a.samples(0x30, false).cycles_exclusive), 300u);
  EXPECT_EQ(only(a.samples(0x30, false).instructions_exclusive), 70u);
}

TEST(HandlerAccounting, ARecordDuringWhichTheKernelSwitchedIsASwitchPath) {
  HandlerAccounting a;
  a.open(0x30, 1000, 0, 5);
  a.close(1800, 200, 6);
  EXPECT_TRUE(a.samples(0x30, false).cycles.empty());
  EXPECT_EQ(only(a.samples(0x30, true).cycles), 800u);
}

TEST(HandlerAccounting, ReturnToRing3ClosesEveryOpenRecord) {
  HandlerAccounting a;
  a.open(syscall_path(4), 1000, 0, 0);  // a write syscall...
  a.open(0x30, 1200, 20, 0);            // ...preempted by the tick, which switches
  int closed = 0;
  a.close_all(2000, 300, 1, [&](const ClosedRecord&) { ++closed; });  // and the other task runs in ring 3
  EXPECT_EQ(closed, 2);
  EXPECT_EQ(a.depth(), 0u);
  EXPECT_EQ(only(a.samples(0x30, true).cycles), 800u);
  EXPECT_EQ(only(a.samples(syscall_path(4), true).cycles_exclusive), 200u);
}

TEST(HandlerAccounting, EoisAreChargedToTheInnermostRecord) {
  HandlerAccounting a;
  EXPECT_FALSE(a.note_eoi()) << "no handler is running";
  a.open(0x41, 0, 0, 0);
  a.open(0x30, 10, 1, 0);
  EXPECT_TRUE(a.note_eoi());
  EXPECT_EQ(a.close(20, 2, 0)->eois, 1u);
  EXPECT_TRUE(a.note_eoi());
  EXPECT_TRUE(a.note_eoi());
  EXPECT_EQ(a.close(30, 3, 0)->eois, 2u);
}

TEST(HandlerAccounting, ReturnWithoutDeliveryIsNotCounted) {
  HandlerAccounting a;
  EXPECT_FALSE(a.close(10, 10, 0).has_value()) << "the kernel's first iretq into ring 3 returns from nothing";
}

}  // namespace
}  // namespace pristine::sim
