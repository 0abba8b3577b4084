// The priced-block cache the block hook looks up once per executed block:
// every block inserted is found again, by address and size, across growth
// and across the collisions of nearby addresses.
#include "sim/block_cache.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

BlockCost cost_of(std::uint32_t n) { return BlockCost{.instructions = n, .cycles = 2 * n, .flags = n & 7}; }

TEST(BlockCache, FindsEveryBlockItHoldsAcrossGrowth) {
  BlockCache cache;
  // Kernel-like addresses: blocks a few bytes apart, then another region.
  std::vector<std::pair<VirtAddr, std::uint32_t>> blocks;
  for (std::uint32_t i = 0; i < 6000; ++i) blocks.push_back({0xFFFFFFFF80100000ull + 7u * i, 1 + i % 31});
  for (std::uint32_t i = 0; i < 3000; ++i) blocks.push_back({0x400000ull + 0x1000ull * i, 1 + i % 13});
  for (std::uint32_t i = 0; i < blocks.size(); ++i) cache.insert(blocks[i].first, blocks[i].second, cost_of(i));
  EXPECT_EQ(cache.size(), blocks.size());
  for (std::uint32_t i = 0; i < blocks.size(); ++i) {
    const BlockCost* found = cache.find(blocks[i].first, blocks[i].second);
    ASSERT_NE(found, nullptr) << "block " << i;
    EXPECT_EQ(found->instructions, i);
    EXPECT_EQ(found->cycles, 2 * i);
  }
}

TEST(BlockCache, TheSameAddressWithAnotherSizeIsAnotherBlock) {
  BlockCache cache;
  cache.insert(0x1000, 8, cost_of(1));
  EXPECT_EQ(cache.find(0x1000, 9), nullptr);
  cache.insert(0x1000, 9, cost_of(2));
  EXPECT_EQ(cache.find(0x1000, 8)->instructions, 1u);
  EXPECT_EQ(cache.find(0x1000, 9)->instructions, 2u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(BlockCache, InsertingAgainReplacesTheCost) {
  BlockCache cache;
  cache.insert(0x2000, 4, cost_of(1));
  cache.insert(0x2000, 4, cost_of(5));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find(0x2000, 4)->instructions, 5u);
}

TEST(BlockCache, AnEmptyCacheFindsNothingNotEvenAddressZero) {
  const BlockCache cache;
  EXPECT_EQ(cache.find(0, 1), nullptr);
  EXPECT_EQ(cache.find(0xFFFFFFFF80100000ull, 16), nullptr);
}

}  // namespace
}  // namespace pristine::sim
