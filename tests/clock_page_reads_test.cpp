// The board clock's page on x86-64 (sim/x86_64/clock_page_reads.h): the
// sweep must find each load of the clock word by its absolute address, and
// an image that reaches the page any other way must be refused, since only
// those loads see an exact count.
#include "sim/x86_64/clock_page_reads.h"

#include <gtest/gtest.h>

#include <vector>

#include "hw-sim/board_registers.h"
#include "sim/capstone_handle.h"

namespace pristine::sim {
namespace {

// Decode one instruction and ask both questions of it.
struct Verdict {
  bool read;
  bool other;
};
Verdict judge(std::vector<std::uint8_t> bytes) {
  const CapstoneHandle capstone;
  cs_insn* insn = nullptr;
  const std::size_t n = cs_disasm(capstone.get(), bytes.data(), bytes.size(), 0xFFFFFFFF80100000ull, 1, &insn);
  EXPECT_EQ(n, 1u);
  const Verdict v{ClockPageReads::matches(*insn), ClockPageReads::refers_otherwise(*insn)};
  cs_free(insn, n);
  return v;
}

// The clock word's address as a sign-extended 32-bit displacement or immediate.
constexpr std::uint8_t kDisp[4] = {0x00, 0x20, 0xBF, 0xFE};
static_assert(sim_board::kClockPageBase == 0xFFFFFFFFFEBF2000ull, "update kDisp");

TEST(ClockPageReads, ALoadOfTheClockWordByItsAddressIsARead) {
  const Verdict v = judge({0x48, 0x8B, 0x04, 0x25, kDisp[0], kDisp[1], kDisp[2], kDisp[3]});  // mov 0x...2000, %rax
  EXPECT_TRUE(v.read);
  EXPECT_FALSE(v.other);
  EXPECT_TRUE(judge({0x4C, 0x8B, 0x1C, 0x25, kDisp[0], kDisp[1], kDisp[2], kDisp[3]}).read);  // into %r11
}

TEST(ClockPageReads, AnyOtherWayIntoThePageIsNotARead) {
  // A store to the word, a pointer to it, a 4-byte load of it, a load further into the page.
  const Verdict store = judge({0x48, 0x89, 0x04, 0x25, kDisp[0], kDisp[1], kDisp[2], kDisp[3]});
  const Verdict pointer = judge({0x48, 0xC7, 0xC0, kDisp[0], kDisp[1], kDisp[2], kDisp[3]});
  const Verdict narrow = judge({0x8B, 0x04, 0x25, kDisp[0], kDisp[1], kDisp[2], kDisp[3]});
  const Verdict further = judge({0x48, 0x8B, 0x04, 0x25, 0x08, kDisp[1], kDisp[2], kDisp[3]});
  for (const Verdict& v : {store, pointer, narrow, further}) {
    EXPECT_FALSE(v.read);
    EXPECT_TRUE(v.other);
  }
}

TEST(ClockPageReads, TheBoardsOtherRegistersAreNeither) {
  // mov 0xfffffffffebf0010, %rax: the board page's kClock register.
  const Verdict v = judge({0x48, 0x8B, 0x04, 0x25, 0x10, 0x00, 0xBF, 0xFE});
  EXPECT_FALSE(v.read);
  EXPECT_FALSE(v.other);
}

TEST(ClockPageReads, AnImageWithAnotherReferenceIsRefusedByAddress) {
  try {
    ClockPageReads reads({0xFFFFFFFF80101000ull}, {0xFFFFFFFF80102345ull});
    FAIL() << "accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("0xffffffff80102345"), std::string::npos) << e.what();
  }
}

TEST(ClockPageReads, CountsTheReadsInABlock) {
  const ClockPageReads reads({0x3000, 0x1000, 0x2000}, {});
  EXPECT_EQ(reads.reads_in(0x1000, 1), 1u);
  EXPECT_EQ(reads.reads_in(0x0FFF, 1), 0u);
  EXPECT_EQ(reads.reads_in(0x1001, 0xFFF), 0u);
  EXPECT_EQ(reads.reads_in(0x1000, 0x2001), 3u);
  reads.set(0x1234);
  EXPECT_EQ(*reinterpret_cast<const std::uint64_t*>(reads.page()), 0x1234u);
}

}  // namespace
}  // namespace pristine::sim
