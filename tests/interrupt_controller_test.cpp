// The board's local interrupt controller follows the xAPIC's IRR/ISR rules.
#include "sim/interrupt_controller.h"

#include <gtest/gtest.h>

#include "core/interrupt/vectors.h"

namespace pristine::sim {
namespace {

TEST(InterruptController, RaisingAPendingVectorCoalesces) {
  InterruptController c;
  EXPECT_TRUE(c.raise(0x41));
  EXPECT_FALSE(c.raise(0x41));
  EXPECT_EQ(c.pending_count(), 1u);
}

TEST(InterruptController, HighestPriorityVectorIsDeliveredFirst) {
  InterruptController c;
  c.raise(0x41);
  c.raise(0x30);
  c.raise(0xE0);
  EXPECT_EQ(c.deliverable(), 0xE0);
}

TEST(InterruptController, InServiceClassBlocksSameAndLowerClassesUntilEoi) {
  InterruptController c;
  c.raise(0x41);
  c.accept(0x41);
  c.raise(0x42);  // same class (4)
  c.raise(0x30);  // lower class
  EXPECT_FALSE(c.deliverable());
  c.raise(0x50);  // higher class preempts
  EXPECT_EQ(c.deliverable(), 0x50);
  c.accept(0x50);
  EXPECT_EQ(c.end_of_interrupt(), 0x50) << "EOI retires the highest in-service vector";
  EXPECT_FALSE(c.deliverable());
  EXPECT_EQ(c.end_of_interrupt(), 0x41);
  EXPECT_EQ(c.deliverable(), 0x42);
}

TEST(InterruptController, AcceptMovesPendingToInService) {
  InterruptController c;
  c.raise(0x41);
  c.accept(0x41);
  EXPECT_FALSE(c.pending(0x41));
  EXPECT_TRUE(c.in_service(0x41));
  EXPECT_TRUE(c.raise(0x41)) << "a new request while in service is pending again, not coalesced";
}

TEST(InterruptController, SpuriousVectorSetsNoInServiceBit) {
  InterruptController c;
  c.raise(vectors::kSpurious);
  c.accept(vectors::kSpurious);
  EXPECT_FALSE(c.any_in_service());
  EXPECT_FALSE(c.end_of_interrupt()) << "an EOI now acknowledges nothing";
}

}  // namespace
}  // namespace pristine::sim
