// The fault locator (sim/x86_64/fault_locator.h): from the start of a block
// and the address a bad access touched (exact, or only its page when the
// engine's TLB fill refused it), the faulting instruction and CR2.
#include "sim/x86_64/fault_locator.h"

#include <gtest/gtest.h>

#include <vector>

namespace pristine::sim {
namespace {

constexpr VirtAddr kBlock = 0x400000;
constexpr VirtAddr kPage = 0x4b2000;
constexpr std::uint64_t kPageSpan = 0x1000;

struct Locator : ::testing::Test {
  GuestCpu cpu{0};
  FaultLocator locator;
  std::optional<FaultLocator::Located> locate(const std::vector<std::uint8_t>& code, VirtAddr address,
                                              std::uint64_t span) {
    return locator.locate(code, kBlock, address, span, cpu);
  }
};

// lea r12+r13 -> rdi; cmpq $0, (rdi): lea names the page but touches nothing.
TEST_F(Locator, LeaIsNotAnAccess) {
  cpu.set_reg(UC_X86_REG_R12, kPage - 0x1000);
  cpu.set_reg(UC_X86_REG_R13, 0x1000);
  cpu.set_reg(UC_X86_REG_RDI, kPage);  // as after the lea ran
  const std::vector<std::uint8_t> code = {0x4b, 0x8d, 0x3c, 0x2c, 0x48, 0x83, 0x3f, 0x00};
  const auto exact = locate(code, kPage, 1);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->rip, kBlock + 4);
  const auto paged = locate(code, kPage, kPageSpan);
  ASSERT_TRUE(paged);
  EXPECT_EQ(paged->rip, kBlock + 4);
  EXPECT_EQ(paged->address, kPage);
}

// mov 0x18(rax), rbx with rax inside the page: the page is all the fill
// knew, CR2 is the byte the instruction reads.
TEST_F(Locator, APageGranularAccessGivesTheExactAddress) {
  cpu.set_reg(UC_X86_REG_RAX, kPage + 0x100);
  const std::vector<std::uint8_t> code = {0x48, 0x8b, 0x58, 0x18};
  const auto located = locate(code, kPage, kPageSpan);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->rip, kBlock);
  EXPECT_EQ(located->address, kPage + 0x118);
}

// An 8-byte read that starts 4 bytes below the page faults at the page.
TEST_F(Locator, AnAccessRunningIntoThePageFaultsAtItsFirstByte) {
  cpu.set_reg(UC_X86_REG_RAX, kPage);
  const std::vector<std::uint8_t> code = {0x48, 0x8b, 0x58, 0xfc};  // mov -4(rax), rbx
  const auto located = locate(code, kPage, kPageSpan);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->address, kPage);
}

// An earlier instruction that touches another page is not the one; a push
// into the page is.
TEST_F(Locator, TheFirstInstructionThatReachesThePageIsTheOne) {
  cpu.set_reg(UC_X86_REG_RAX, kPage + 0x2000);
  cpu.set_reg(UC_X86_REG_RSP, kPage + 0x10);
  const std::vector<std::uint8_t> code = {0x48, 0x8b, 0x18, 0x50};  // mov (rax), rbx; push rax
  const auto located = locate(code, kPage, kPageSpan);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->rip, kBlock + 3);
  EXPECT_EQ(located->address, kPage + 0x8);
  EXPECT_FALSE(locate({0x48, 0x8b, 0x18}, kPage, kPageSpan)) << "no instruction touches the page";
}

// At the top of the address space the ranges do not wrap.
TEST_F(Locator, NoWrapAtTheTopOfTheAddressSpace) {
  cpu.set_reg(UC_X86_REG_RAX, 0x10);
  const std::vector<std::uint8_t> code = {0x48, 0x8b, 0x18};
  EXPECT_FALSE(locate(code, 0xFFFFFFFFFFFFF000, kPageSpan));
}

// operand_address keeps what it decoded per address (the instruction hooks
// ask about the same invlpg thousands of times), and must see new registers
// each time and new bytes if the instruction there changed.
TEST_F(Locator, AnOperandAddressFollowsTheRegistersAndTheBytes) {
  std::vector<std::uint8_t> code(16, 0x90);
  code[0] = 0x0f;  // invlpg (%rdi)
  code[1] = 0x01;
  code[2] = 0x3f;
  cpu.set_reg(UC_X86_REG_RDI, 0x7000);
  cpu.set_reg(UC_X86_REG_RSI, 0x9000);
  EXPECT_EQ(locator.operand_address(code, kBlock, cpu), std::optional<VirtAddr>(0x7000));
  cpu.set_reg(UC_X86_REG_RDI, 0x8000);
  EXPECT_EQ(locator.operand_address(code, kBlock, cpu), std::optional<VirtAddr>(0x8000));
  code[2] = 0x3e;  // invlpg (%rsi)
  EXPECT_EQ(locator.operand_address(code, kBlock, cpu), std::optional<VirtAddr>(0x9000));
  code[0] = 0x90;  // nop: no memory operand
  EXPECT_EQ(locator.operand_address(code, kBlock, cpu), std::nullopt);
}

}  // namespace
}  // namespace pristine::sim
