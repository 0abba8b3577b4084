// GuestMemory's lookups (sim/guest_memory.h): the region found last is tried
// inline, and that shortcut must give what the search gives at every edge:
// a range that runs past the region's end, a hole page, another region.
#include "sim/guest_memory.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

// Two regions, apart in both address spaces, so nothing merges them.
GuestMemory two_regions() {
  return GuestMemory({{.base = 0x10000, .size = 0x2000, .paddr = 0x100000},
                      {.base = 0x40000, .size = 0x1000, .paddr = 0x300000}});
}

TEST(GuestMemory, ARangePastTheEndOfTheLastRegionIsNotMapped) {
  GuestMemory m = two_regions();
  ASSERT_NE(m.host(0x10000, 8), nullptr);  // the region is now the one found last
  EXPECT_NE(m.host(0x11FF8, 8), nullptr) << "the region's last eight bytes";
  EXPECT_EQ(m.host(0x11FF9, 8), nullptr) << "one byte past the region's end";
  EXPECT_EQ(m.host(0x12000, 1), nullptr) << "just past the region";
  EXPECT_EQ(m.host(0x10000, ~std::uint64_t{0}), nullptr) << "a length that wraps";
  EXPECT_EQ(m.host(0x40000, 1), m.host(0x40000, 1)) << "another region, then the same one";
  EXPECT_EQ(m.host(0x40000, 1) + 0xFFF, m.host(0x40FFF, 1));
  EXPECT_EQ(m.host(0x3FFFF, 1), nullptr) << "just below the second region";
}

TEST(GuestMemory, AHolePageIsNotMappedThoughItsRegionWasFoundLast) {
  GuestMemory m = two_regions();
  ASSERT_NE(m.host(0x11000, 8), nullptr);
  m.set_hole(0x11000, true);
  EXPECT_EQ(m.host(0x11000, 8), nullptr);
  EXPECT_EQ(m.host(0x10FFC, 8), nullptr) << "a range that runs into the hole";
  EXPECT_NE(m.host(0x10000, 8), nullptr) << "the region's other page";
  m.set_hole(0x11000, false);
  EXPECT_NE(m.host(0x11000, 8), nullptr);
}

TEST(GuestMemory, PhysicalAddressesFollowTheSameEdges) {
  GuestMemory m = two_regions();
  ASSERT_EQ(m.physical(0x100000, 8), m.host(0x10000, 8));
  EXPECT_EQ(m.physical(0x101FF8, 8), m.host(0x11FF8, 8));
  EXPECT_EQ(m.physical(0x101FF9, 8), nullptr) << "one byte past the region's end";
  EXPECT_EQ(m.physical(0x102000, 1), nullptr);
  EXPECT_EQ(m.physical(0x300010, 4), m.host(0x40010, 4)) << "another region";
  EXPECT_EQ(m.physical(0x100010, 4), m.host(0x10010, 4)) << "and back";
  EXPECT_EQ(m.physical(0xFFFFF, 1), nullptr) << "below every region";
}

}  // namespace
}  // namespace pristine::sim
