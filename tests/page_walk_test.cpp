// The simulator's MMU walk (sim/x86_64/page_walk.h) on page tables written
// here, checked against the SDM's rules (Vol. 3, 4.5-4.7) as QEMU applies
// them: what maps, with which rights, and the #PF error code of what does not.
#include "sim/x86_64/page_walk.h"

#include <gtest/gtest.h>

namespace pristine::sim {
namespace {

constexpr std::uint64_t P = 1, W = 2, U = 4, PS = 0x80;
constexpr std::uint64_t NX = std::uint64_t{1} << 63;

// One region of physical memory holding four tables (PML4, PDPT, PD, PT at
// 0x10000.. 0x13000) and the pages they map.
struct Tables {
  GuestMemory memory{{{.base = 0x10000, .size = 0x10000, .paddr = 0x10000}}};
  static constexpr PhysAddr kPml4 = 0x10000, kPdpt = 0x11000, kPd = 0x12000, kPt = 0x13000;

  Tables() {
    set(kPml4, 0, kPdpt | P | W | U);
    set(kPdpt, 0, kPd | P | W | U);
    set(kPd, 0, kPt | P | W | U);  // [0, 2 MiB): 4 KiB pages
  }
  void set(PhysAddr table, unsigned index, std::uint64_t entry) {
    memory.write<std::uint64_t>(table + index * 8, entry);
  }
  PageTranslation walk(VirtAddr page, PageAccess access, bool nxe = true, bool wp = true) const {
    return walk_page_tables(memory, {.cr3 = kPml4, .no_execute = nxe, .write_protect = wp}, page, access);
  }
};

TEST(PageWalk, AUserPageMapsWithItsRights) {
  Tables t;
  t.set(Tables::kPt, 5, 0x7000 | P | U);  // read-only, executable
  const PageTranslation r = t.walk(0x5000, {.user = true});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.page, 0x7000u);
  EXPECT_FALSE(r.writable);
  EXPECT_TRUE(r.executable);
}

TEST(PageWalk, ANotPresentPageGivesTheAccessBitsOnly) {
  Tables t;
  EXPECT_EQ(t.walk(0x5000, {.write = true, .user = true}).error_code, 0x6u);
  EXPECT_EQ(t.walk(0x5000, {}).error_code, 0x0u);
  EXPECT_EQ(t.walk(0x5000, {.fetch = true, .user = true}).error_code, 0x14u);
  EXPECT_EQ(t.walk(0x5000, {.fetch = true, .user = true}, /*nxe=*/false).error_code, 0x4u)
      << "I/D is reported only with no-execute on";
  EXPECT_FALSE(t.walk(VirtAddr{1} << 39, {}).ok) << "a PML4 entry not present";
}

TEST(PageWalk, RingThreeMayNotTouchASupervisorPage) {
  Tables t;
  t.set(Tables::kPt, 5, 0x7000 | P | W);
  EXPECT_EQ(t.walk(0x5000, {.user = true}).error_code, 0x5u);
  EXPECT_EQ(t.walk(0x5000, {.write = true, .user = true}).error_code, 0x7u);
  EXPECT_TRUE(t.walk(0x5000, {.write = true}).ok) << "ring 0 may";
  t.set(Tables::kPd, 0, Tables::kPt | P | W);  // U clear one level up is enough
  t.set(Tables::kPt, 5, 0x7000 | P | W | U);
  EXPECT_EQ(t.walk(0x5000, {.user = true}).error_code, 0x5u);
}

TEST(PageWalk, WritesNeedWritableEverywhereAndRingZeroOnlyWithWriteProtect) {
  Tables t;
  t.set(Tables::kPt, 5, 0x7000 | P | U);
  EXPECT_EQ(t.walk(0x5000, {.write = true, .user = true}).error_code, 0x7u);
  EXPECT_EQ(t.walk(0x5000, {.write = true}).error_code, 0x3u) << "CR0.WP: ring 0 too";
  EXPECT_TRUE(t.walk(0x5000, {.write = true}, true, /*wp=*/false).ok) << "without CR0.WP ring 0 writes anything";
}

TEST(PageWalk, NoExecuteForbidsFetchesAndIsReservedWithoutNxe) {
  Tables t;
  t.set(Tables::kPt, 5, 0x7000 | P | W | U | NX);
  EXPECT_EQ(t.walk(0x5000, {.fetch = true, .user = true}).error_code, 0x15u);
  const PageTranslation data = t.walk(0x5000, {.write = true, .user = true});
  ASSERT_TRUE(data.ok);
  EXPECT_FALSE(data.executable);
  EXPECT_EQ(t.walk(0x5000, {.user = true}, /*nxe=*/false).error_code, 0xDu) << "P | U | RSVD";
}

TEST(PageWalk, LargePagesMapTheirOffsetWithin) {
  Tables t;
  t.set(Tables::kPd, 1, 0x40000000 | P | W | PS);  // [2 MiB, 4 MiB) -> 1 GiB + offset
  const PageTranslation r = t.walk(0x200000 + 0x3000, {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.page, 0x40003000u);
  t.set(Tables::kPdpt, 1, 0x80000000 | P | W | PS);  // [1 GiB, 2 GiB): one 1 GiB page
  EXPECT_EQ(t.walk(0x40000000 + 0x123000, {}).page, 0x80123000u);
}

TEST(PageWalk, ATableOutsideGuestMemoryReadsAsNotPresent) {
  Tables t;
  t.set(Tables::kPd, 2, 0x7FFFF000 | P | W | U);  // a page table nowhere in memory
  const PageTranslation r = t.walk(0x400000, {.user = true});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, 0x4u);
}

}  // namespace
}  // namespace pristine::sim
