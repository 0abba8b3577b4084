// The x86-64 exception decoding (hw-x86_64/cpu/exception_decoding.h): a saved
// frame becomes the neutral description core/ acts on.
#include "hw-x86_64/cpu/exception_decoding.h"

#include <gtest/gtest.h>

#include "core/interrupt/vectors.h"

namespace pristine {
namespace {

TrapFrame frame_of(Vector vector, std::uint64_t error_code, bool from_user) {
  TrapFrame frame{};
  frame.vector = vector;
  frame.error_code = error_code;
  frame.cs = from_user ? 0x23 : 0x08;
  frame.rip = 0x40'1000;
  frame.rsp = 0x7F'F000;
  return frame;
}

TEST(ExceptionDecoding, PageFaultNotPresentReadFromUser) {
  int cr2_reads = 0;
  const auto read_cr2 = [&] {
    ++cr2_reads;
    return std::uint64_t{0x1234'5678};
  };
  const ExceptionInfo info = x86::describe_exception(frame_of(vectors::kPageFault, 0b00100, true), read_cr2);
  EXPECT_EQ(info.kind(), ExceptionKind::PageFault);
  EXPECT_TRUE(info.from_user);
  EXPECT_EQ(info.access(), access::kUser);
  EXPECT_EQ(info.fault_address, 0x1234'5678u);
  EXPECT_EQ(info.ip, 0x40'1000u);
  EXPECT_EQ(info.stack_pointer, 0x7F'F000u);
  EXPECT_EQ(info.code, 0b00100u);
  EXPECT_EQ(cr2_reads, 1);
}

TEST(ExceptionDecoding, PageFaultAccessBits) {
  const auto read_cr2 = [] { return std::uint64_t{0}; };
  // Present + write: a protection violation on a write.
  EXPECT_EQ(x86::describe_exception(frame_of(vectors::kPageFault, 0b00011, false), read_cr2).access(),
            access::kProtection | access::kWrite);
  // Instruction fetch from ring 3 on a not-present page.
  EXPECT_EQ(x86::describe_exception(frame_of(vectors::kPageFault, 0b10100, true), read_cr2).access(),
            access::kUser | access::kFetch);
  // A reserved bit in the page tables.
  EXPECT_EQ(x86::describe_exception(frame_of(vectors::kPageFault, 0b01001, false), read_cr2).access(),
            access::kProtection | access::kReservedBit);
  // Bits above the ones core/ knows are not access bits (SGX, shadow stack, ...).
  EXPECT_EQ(x86::page_fault_access(0x8000'0020), 0);
}

TEST(ExceptionDecoding, OnlyAPageFaultReadsCr2OrHasAnAccess) {
  int cr2_reads = 0;
  const auto read_cr2 = [&] {
    ++cr2_reads;
    return std::uint64_t{0xDEAD};
  };
  const ExceptionInfo info = x86::describe_exception(frame_of(vectors::kGeneralProtection, 0x1F, true), read_cr2);
  EXPECT_EQ(info.kind(), ExceptionKind::Protection);
  EXPECT_EQ(info.access(), 0);
  EXPECT_EQ(info.fault_address, 0u);
  EXPECT_EQ(info.code, 0x1Fu);
  EXPECT_EQ(cr2_reads, 0);
}

TEST(ExceptionDecoding, KindsCoreActsOn) {
  EXPECT_EQ(vectors::exception_kind(vectors::kNmi), ExceptionKind::NonMaskable);
  EXPECT_EQ(vectors::exception_kind(vectors::kDoubleFault), ExceptionKind::NestedFault);
  EXPECT_EQ(vectors::exception_kind(vectors::kInvalidOpcode), ExceptionKind::IllegalInstruction);
  EXPECT_EQ(vectors::exception_kind(vectors::kDivideError), ExceptionKind::Divide);
  EXPECT_EQ(vectors::exception_kind(vectors::kBreakpoint), ExceptionKind::Breakpoint);
  EXPECT_EQ(vectors::exception_kind(vectors::kSegmentNotPresent), ExceptionKind::Protection);
  EXPECT_EQ(vectors::exception_kind(vectors::kMachineCheck), ExceptionKind::Other);
  EXPECT_EQ(arch::exception_kind(vectors::kTimer), ExceptionKind::Other);
}

TEST(ExceptionDecoding, KindTestAgreesWithKind) {
  for (unsigned v = 0; v < 256; ++v) {
    for (unsigned k = 0; k <= static_cast<unsigned>(ExceptionKind::NestedFault); ++k) {
      const auto kind = static_cast<ExceptionKind>(k);
      EXPECT_EQ(arch::exception_is(static_cast<Vector>(v), kind), arch::exception_kind(static_cast<Vector>(v)) == kind)
          << "vector " << v << " kind " << k;
    }
  }
}

TEST(ExceptionDecoding, SelectorErrorCode) {
  // Index 5 in the IDT, raised externally.
  const x86::SelectorError idt = x86::decode_selector_error((5 << 3) | 0b011);
  EXPECT_TRUE(idt.external);
  EXPECT_EQ(idt.table, x86::SelectorError::Table::Idt);
  EXPECT_EQ(idt.index, 5u);
  const x86::SelectorError ldt = x86::decode_selector_error((0x1FFF << 3) | 0b100);
  EXPECT_FALSE(ldt.external);
  EXPECT_EQ(ldt.table, x86::SelectorError::Table::Ldt);
  EXPECT_EQ(ldt.index, 0x1FFFu);
  EXPECT_EQ(x86::decode_selector_error(3 << 3).table, x86::SelectorError::Table::Gdt);
}

TEST(ExceptionDecoding, ReservedVectorNamesComeFromTheArchitecture) {
  EXPECT_STREQ(vectors::handler_name(vectors::kPageFault), "page-fault");
  EXPECT_STREQ(vectors::handler_name(Vector{vectors::kPicBase + 7}), "pic-irq");
  EXPECT_STREQ(arch::reserved_vector_name(vectors::kTimer), nullptr);
  EXPECT_STREQ(vectors::handler_name(vectors::kTimer), "timer");
}

}  // namespace
}  // namespace pristine
