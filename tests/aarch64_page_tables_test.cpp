// The AArch64 translation-table builder (hw-aarch64/cpu/page_tables.h),
// compiled for the host: descriptors hold addresses and bits only, so the
// tables it builds in host memory are the ones it builds in the kernel.
// Checked against the Arm ARM's descriptor formats (D8.3): the level each
// address lands on, the access bits, the pool's limit.
#include <gtest/gtest.h>

#include <cstdint>

#include "hw-aarch64/cpu/page_tables.h"

namespace pristine::aarch64 {
namespace {

namespace d = descriptor;

struct Pool {
  alignas(4096) Table tables[4];
  // "Physical" addresses are the host's: the window is 0.
  PageTables builder{tables, 4, reinterpret_cast<std::uint64_t>(tables), 0};
  std::uint64_t* table(std::uint64_t physical) { return reinterpret_cast<std::uint64_t*>(physical); }
};

TEST(Aarch64PageTables, APageLandsOnLevelThreeThroughTwoNewTables) {
  Pool p;
  const std::uint64_t root = p.builder.new_root();
  ASSERT_EQ(root, reinterpret_cast<std::uint64_t>(p.tables[0]));
  const std::uint64_t va = 0x40'0000 + 5 * kPageSize;  // level-1 index 0, level-2 index 2, level-3 index 5
  ASSERT_TRUE(p.builder.map_page(root, va, 0x4123'4000, {.user = true, .user_executable = true}));
  const std::uint64_t l1 = p.table(root)[0];
  EXPECT_EQ(l1 & 3, d::kValid | d::kTable);
  const std::uint64_t l2 = p.table(l1 & d::kAddressMask)[2];
  EXPECT_EQ(l2 & 3, d::kValid | d::kTable);
  const std::uint64_t pte = p.table(l2 & d::kAddressMask)[5];
  EXPECT_EQ(pte & d::kAddressMask, 0x4123'4000u);
  EXPECT_EQ(pte & 3, d::kValid | d::kTable) << "a level-3 page has bits 1:0 = 0b11";
  EXPECT_TRUE(pte & d::kAccessFlag) << "no access-flag fault on first use";
  EXPECT_TRUE(pte & d::kUser);
  EXPECT_TRUE(pte & d::kReadOnly) << "code: EL0 may run it, nobody may write it";
  EXPECT_FALSE(pte & d::kUserNoExecute);
  EXPECT_TRUE(pte & d::kPrivilegedNoExecute) << "EL1 never runs user pages";
  EXPECT_TRUE(pte & d::kNotGlobal) << "user pages are per ASID";
  EXPECT_EQ((pte >> 2) & 7, kAttrNormal);
  // A second page in the same 2 MiB reuses the tables.
  ASSERT_TRUE(p.builder.map_page(root, va + kPageSize, 0x4123'5000, {.writable = true, .user = true}));
  EXPECT_EQ(p.table(l2 & d::kAddressMask)[6] & d::kReadOnly, 0u);
  EXPECT_TRUE(p.table(l2 & d::kAddressMask)[6] & d::kUserNoExecute) << "data never runs";
}

TEST(Aarch64PageTables, KernelAndDeviceMappingsAreNeitherUserNorGlobalPerAsid) {
  Pool p;
  const std::uint64_t root = p.builder.new_root();
  const std::uint64_t kernel_va = 0xffff'ff80'4000'0000;  // TTBR1's linear map: index from bits 38:0
  ASSERT_TRUE(p.builder.map_block(root, kernel_va, 0x4000'0000, {.writable = true}));
  const std::uint64_t l2 = p.table(p.table(root)[1] & d::kAddressMask)[0];
  EXPECT_EQ(l2 & 3, d::kValid) << "a level-2 block has bits 1:0 = 0b01";
  EXPECT_FALSE(l2 & (d::kUser | d::kNotGlobal | d::kReadOnly));
  EXPECT_TRUE(l2 & d::kUserNoExecute);
  EXPECT_TRUE(l2 & d::kPrivilegedNoExecute);
  ASSERT_TRUE(p.builder.map_block(root, 0xffff'ff80'0800'0000, 0x0800'0000, {.writable = true, .device = true}));
  const std::uint64_t device = p.table(p.table(root)[0] & d::kAddressMask)[64];
  EXPECT_EQ((device >> 2) & 7, kAttrDevice);
  EXPECT_EQ(device & (3ull << 8), 0u) << "device memory is not marked shareable";
}

TEST(Aarch64PageTables, UnmapTakesOnlyThatPageAndThePoolHasALimit) {
  Pool p;
  const std::uint64_t root = p.builder.new_root();
  ASSERT_TRUE(p.builder.map_page(root, 0x1000, 0x1000, {.writable = true}));
  ASSERT_TRUE(p.builder.map_page(root, 0x2000, 0x2000, {.writable = true}));
  p.builder.unmap_page(root, 0x1000);
  const std::uint64_t* l3 = p.table(p.table(p.table(root)[0] & d::kAddressMask)[0] & d::kAddressMask);
  EXPECT_EQ(l3[1], 0u);
  EXPECT_NE(l3[2], 0u);
  p.builder.unmap_page(root, 0x4000'0000);  // nothing there: no table is made for it
  EXPECT_EQ(p.table(root)[1], 0u);
  // Three of the four tables are used; a page in another GiB needs two more.
  EXPECT_FALSE(p.builder.map_page(root, 0x8000'0000, 0x8000'0000, {.writable = true}));
  EXPECT_EQ(p.builder.new_root(), 0u) << "the pool is used up";
}

}  // namespace
}  // namespace pristine::aarch64
