// The priced-block cache the block hook looks up once per executed block:
// every block inserted is found again, by address and size, across growth
// and across the collisions of nearby addresses.
#include "sim/block_cache.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

const std::uint16_t kCpu0 = BlockCache::cpu_bit(0);

BlockCost cost_of(std::uint32_t n) { return BlockCost{.instructions = n, .cycles = 2 * n, .flags = n & 7}; }

TEST(BlockCache, FindsEveryBlockItHoldsAcrossGrowth) {
  BlockCache cache;
  // Kernel-like addresses: blocks a few bytes apart, then another region.
  std::vector<std::pair<VirtAddr, std::uint32_t>> blocks;
  for (std::uint32_t i = 0; i < 6000; ++i) blocks.push_back({0xFFFFFFFF80100000ull + 7u * i, 1 + i % 31});
  for (std::uint32_t i = 0; i < 3000; ++i) blocks.push_back({0x400000ull + 0x1000ull * i, 1 + i % 13});
  for (std::uint32_t i = 0; i < blocks.size(); ++i) cache.insert(blocks[i].first, blocks[i].second, cost_of(i), kCpu0);
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
  cache.insert(0x1000, 8, cost_of(1), kCpu0);
  EXPECT_EQ(cache.find(0x1000, 9), nullptr);
  cache.insert(0x1000, 9, cost_of(2), kCpu0);
  EXPECT_EQ(cache.find(0x1000, 8)->instructions, 1u);
  EXPECT_EQ(cache.find(0x1000, 9)->instructions, 2u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(BlockCache, InsertingAgainReplacesTheCost) {
  BlockCache cache;
  cache.insert(0x2000, 4, cost_of(1), kCpu0);
  cache.insert(0x2000, 4, cost_of(5), kCpu0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find(0x2000, 4)->instructions, 5u);
}

TEST(BlockCache, AnEmptyCacheFindsNothingNotEvenAddressZero) {
  const BlockCache cache;
  EXPECT_EQ(cache.find(0, 1), nullptr);
  EXPECT_EQ(cache.find(0xFFFFFFFF80100000ull, 16), nullptr);
}

// What is reported at each CPU's first sight of a block (a forbidden
// instruction) is reported once per CPU: the cache says which saw it.
TEST(BlockCache, SaysWhichCpuSeesABlockForTheFirstTime) {
  BlockCache cache;
  const std::uint16_t cpu3 = BlockCache::cpu_bit(3);
  cache.insert(0x3000, 5, cost_of(7), kCpu0);
  EXPECT_FALSE(cache.first_sight(0x3000, 5, kCpu0)) << "the pricing CPU saw it";
  EXPECT_TRUE(cache.first_sight(0x3000, 5, cpu3));
  EXPECT_FALSE(cache.first_sight(0x3000, 5, cpu3));
  EXPECT_EQ(cache.find(0x3000, 5)->instructions, 7u) << "found by any CPU";
  // Growth keeps who saw what.
  for (std::uint32_t i = 0; i < 5000; ++i) cache.insert(0x100000 + 16u * i, 3, cost_of(i), kCpu0);
  EXPECT_FALSE(cache.first_sight(0x3000, 5, cpu3));
  EXPECT_TRUE(cache.first_sight(0x3000, 5, BlockCache::cpu_bit(1)));
}

}  // namespace
}  // namespace pristine::sim
