// The AArch64 cost model prices hand-written blocks: counts, sums, classes
// and flags, each flag set by exactly the instructions that should set it;
// the table's rows have sources and docs/cost-model.md lists them all.
//
// The instruction words were assembled once with aarch64-linux-gnu-as
// (.arch armv8.3-a, for the LSE and RCpc rows) and checked with
// aarch64-linux-gnu-objdump -d: each comment is the assembly.
#include "sim/aarch64/cost_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pristine::sim::aarch64 {
namespace {

using IC = InstructionClass;

std::vector<std::uint8_t> bytes_of(std::initializer_list<std::uint32_t> words) {
  std::vector<std::uint8_t> code;
  for (std::uint32_t w : words) {
    for (int i = 0; i < 4; ++i) code.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
  }
  return code;
}

const CostModel& model() {
  static const CostModel m(CostTable::defaults());
  return m;
}

BlockCost price(std::initializer_list<std::uint32_t> words) { return model().price_block(bytes_of(words), 0x40000); }

std::uint32_t cost(IC c) { return model().table().instruction_cost(c); }

// One instruction alone in a block: the class it is priced as and every flag
// it sets. Each flag's expected set of instructions is exactly the rows that
// name it here.
struct Single {
  std::uint32_t word;
  const char* assembly;
  IC cls;
  std::uint32_t flags;
};

const Single kSingles[] = {
    {0x91000400, "add x0, x0, #1", IC::kOther, kBlockNone},
    {0xd503201f, "nop", IC::kOther, kBlockNone},
    {0x17fffffe, "b .-8", IC::kBranch, kBlockNone},
    {0xd65f03c0, "ret", IC::kBranch, kBlockNone},
    {0x35000002, "cbnz w2, .", IC::kBranch, kBlockNone},
    {0x94000000, "bl .", IC::kBranchLink, kBlockNone},
    {0xd63f0060, "blr x3", IC::kBranchLink, kBlockNone},
    {0xf9400020, "ldr x0, [x1]", IC::kLoad, kBlockNone},
    {0x39400c20, "ldrb w0, [x1, #3]", IC::kLoad, kBlockNone},
    {0xf85f8020, "ldur x0, [x1, #-8]", IC::kLoad, kBlockNone},
    {0xf8400820, "ldtr x0, [x1]", IC::kLoad, kBlockNone},
    {0xf9000420, "str x0, [x1, #8]", IC::kStore, kBlockNone},
    {0x79000020, "strh w0, [x1]", IC::kStore, kBlockNone},
    {0xf8000820, "sttr x0, [x1]", IC::kStore, kBlockNone},
    {0xa94107e0, "ldp x0, x1, [sp, #16]", IC::kLoadPair, kBlockNone},
    {0x294007e0, "ldp w0, w1, [sp]", IC::kLoadPair, kBlockNone},
    {0x6d4007e0, "ldp d0, d1, [sp]", IC::kLoadPair, kBlockUsesFpSimd},
    {0xad4007e0, "ldp q0, q1, [sp]", IC::kLoadPairWide, kBlockUsesFpSimd},
    {0x694007e0, "ldpsw x0, x1, [sp]", IC::kLoadPairWide, kBlockNone},
    {0xa9bf7bfd, "stp x29, x30, [sp, #-16]!", IC::kStorePair64, kBlockNone},
    {0x290007e0, "stp w0, w1, [sp]", IC::kStorePair32, kBlockNone},
    {0x6d0007e0, "stp d0, d1, [sp]", IC::kStorePair64, kBlockUsesFpSimd},
    {0xad0107e0, "stp q0, q1, [sp, #32]", IC::kStorePair128, kBlockUsesFpSimd},
    {0xc85f7c20, "ldxr x0, [x1]", IC::kLoadExclusive, kBlockNone},
    {0xc8027c20, "stxr w2, x0, [x1]", IC::kStoreExclusive, kBlockNone},
    {0xc85ffc20, "ldaxr x0, [x1]", IC::kLoadAcquireExclusive, kBlockNone},
    {0xc802fc20, "stlxr w2, x0, [x1]", IC::kStoreReleaseExclusive, kBlockNone},
    {0xc8dffc20, "ldar x0, [x1]", IC::kLoadAcquire, kBlockNone},
    {0xc89ffc20, "stlr x0, [x1]", IC::kStoreRelease, kBlockNone},
    {0xf8bfc020, "ldapr x0, [x1]", IC::kLoadAcquire, kBlockNone},
    {0xf8200041, "ldadd x0, x1, [x2]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0xb8e00041, "ldaddal w0, w1, [x2]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0xc8e0fc41, "casal x0, x1, [x2]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0x4860fc82, "caspal x0, x1, x2, x3, [x4]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0xb8e08041, "swpal w0, w1, [x2]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0xf820005f, "stadd x0, [x2]", IC::kLseAtomic, kBlockHasLseAtomic},
    {0x1b027c20, "mul w0, w1, w2", IC::kMultiply32, kBlockNone},
    {0x9b027c20, "mul x0, x1, x2", IC::kMultiply64, kBlockNone},
    {0x9b020c20, "madd x0, x1, x2, x3", IC::kMultiply64, kBlockNone},
    {0x1b028c20, "msub w0, w1, w2, w3", IC::kMultiply32, kBlockNone},
    {0x9b227c20, "smull x0, w1, w2", IC::kMultiplyLong, kBlockNone},
    {0x9bc27c20, "umulh x0, x1, x2", IC::kMultiplyHigh, kBlockNone},
    {0x9ac20820, "udiv x0, x1, x2", IC::kDivide64, kBlockNone},
    {0x1ac20c20, "sdiv w0, w1, w2", IC::kDivide32, kBlockNone},
    {0xd5033bbf, "dmb ish", IC::kDmb, kBlockNone},
    {0xd5033f9f, "dsb sy", IC::kDsb, kBlockNone},
    {0xd5033fdf, "isb", IC::kIsb, kBlockNone},
    {0xd5182000, "msr ttbr0_el1, x0", IC::kMsrTtbr, kBlockChangesMmu},
    {0xd5182020, "msr ttbr1_el1, x0", IC::kMsrTtbr, kBlockChangesMmu},
    {0xd5181000, "msr sctlr_el1, x0", IC::kMsrTranslationControl, kBlockChangesMmu},
    {0xd5182040, "msr tcr_el1, x0", IC::kMsrTranslationControl, kBlockChangesMmu},
    {0xd5384020, "mrs x0, elr_el1", IC::kMrsExceptionState, kBlockNone},
    {0xd5384000, "mrs x0, spsr_el1", IC::kMrsExceptionState, kBlockNone},
    {0xd5385200, "mrs x0, esr_el1", IC::kMrsExceptionState, kBlockNone},
    {0xd5386000, "mrs x0, far_el1", IC::kMrsExceptionState, kBlockNone},
    {0xd5184020, "msr elr_el1, x0", IC::kMsr, kBlockNone},
    {0xd538d080, "mrs x0, tpidr_el1", IC::kMrs, kBlockNone},
    {0xd518c000, "msr vbar_el1, x0", IC::kMsr, kBlockNone},
    {0xd50041bf, "msr spsel, #1", IC::kMsrSpsel, kBlockNone},
    {0xd5184200, "msr spsel, x0", IC::kMsrSpsel, kBlockNone},
    {0xd500419f, "msr pan, #1", IC::kMsr, kBlockNone},
    {0xd50342ff, "msr daifclr, #2", IC::kMsrDaifImmediate, kBlockWritesDaif | kBlockUnmasksInterrupts},
    {0xd50341ff, "msr daifclr, #1", IC::kMsrDaifImmediate, kBlockWritesDaif | kBlockUnmasksInterrupts},
    {0xd50344ff, "msr daifclr, #4", IC::kMsrDaifImmediate, kBlockWritesDaif},
    {0xd50348ff, "msr daifclr, #8", IC::kMsrDaifImmediate, kBlockWritesDaif},
    {0xd50342df, "msr daifset, #2", IC::kMsrDaifImmediate, kBlockWritesDaif},
    {0xd5034fdf, "msr daifset, #15", IC::kMsrDaifImmediate, kBlockWritesDaif},
    {0xd51b4220, "msr daif, x0", IC::kMsrDaifRegister, kBlockWritesDaif | kBlockUnmasksInterrupts},
    {0xd53b4220, "mrs x0, daif", IC::kMrs, kBlockNone},
    {0xd53be040, "mrs x0, cntvct_el0", IC::kCounterRead, kBlockReadsCounter},
    {0xd53be020, "mrs x0, cntpct_el0", IC::kCounterRead, kBlockReadsCounter},
    {0xd53b9d00, "mrs x0, pmccntr_el0", IC::kCounterRead, kBlockReadsCounter},
    {0xd53be300, "mrs x0, cntv_tval_el0", IC::kCounterRead, kBlockReadsCounter},
    {0xd53be000, "mrs x0, cntfrq_el0", IC::kMrs, kBlockNone},
    {0xd51be340, "msr cntv_cval_el0, x0", IC::kMsr, kBlockNone},
    {0xd51b9d00, "msr pmccntr_el0, x0", IC::kMsr, kBlockNone},
    {0xd538cc00, "mrs x0, icc_iar1_el1", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd518cc20, "msr icc_eoir1_el1, x0", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd518cba0, "msr icc_sgi1r_el1, x0", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd5184600, "msr icc_pmr_el1, x0", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd538cc80, "mrs x0, icc_ctlr_el1", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd518cca0, "msr icc_sre_el1, x0", IC::kGicSysreg, kBlockHasGicSysreg},
    {0xd538c100, "mrs x0, isr_el1", IC::kMrs, kBlockNone},  // CRn 12 as the ICC_* registers, not one of them
    {0xd508871f, "tlbi vmalle1", IC::kTlbiLocal, kBlockChangesMmu},
    {0xd508831f, "tlbi vmalle1is", IC::kTlbiBroadcast, kBlockChangesMmu},
    {0xd5088320, "tlbi vae1is, x0", IC::kTlbiBroadcast, kBlockChangesMmu},
    {0xd5088740, "tlbi aside1, x0", IC::kTlbiLocal, kBlockChangesMmu},
    {0xd50b7e20, "dc civac, x0", IC::kDcMaintenance, kBlockNone},
    {0xd50b7420, "dc zva, x0", IC::kDcZva, kBlockNone},
    {0xd508751f, "ic iallu", IC::kIcInvalidateAll, kBlockNone},
    {0xd508711f, "ic ialluis", IC::kIcInvalidateAll, kBlockNone},
    {0xd50b7520, "ic ivau, x0", IC::kIcInvalidateVa, kBlockNone},
    {0xd5087800, "at s1e1r, x0", IC::kMsr, kBlockNone},
    {0xd69f03e0, "eret", IC::kEret, kBlockEndsWithEret | kBlockChangesMmu},
    {0xd4000001, "svc #0", IC::kExceptionGenerating, kBlockEndsWithSvc},
    {0xd4001021, "svc #0x81", IC::kExceptionGenerating, kBlockEndsWithSvc},
    {0xd503207f, "wfi", IC::kWait, kBlockEndsWithWait},
    {0xd503205f, "wfe", IC::kWait, kBlockEndsWithWait},
    {0xd4207d00, "brk #0x3e8", IC::kExceptionGenerating, kBlockEndsWithBrk},
    {0xd4000002, "hvc #0", IC::kExceptionGenerating, kBlockEndsWithHvc},
    {0xd4000003, "smc #0", IC::kExceptionGenerating, kBlockEndsWithSmc},
    {0x00000000, "udf #0", IC::kUndefined, kBlockEndsWithUndefined},
};

// Every instruction alone: its class's cycles and exactly its flags. A flag
// set by one instruction too many or too few fails here, naming it.
TEST(Aarch64CostModel, EachInstructionHasItsClassAndExactlyItsFlags) {
  for (const Single& s : kSingles) {
    const BlockCost b = price({s.word});
    EXPECT_EQ(b.instructions, 1u) << s.assembly;
    EXPECT_EQ(b.cycles, cost(s.cls)) << s.assembly;
    EXPECT_EQ(b.flags, s.flags) << s.assembly << ": flags 0x" << std::hex << b.flags << ", expected 0x" << s.flags;
    EXPECT_EQ(b.last_insn_offset, 0u) << s.assembly;
    EXPECT_EQ(b.flags & kEngineFlagBits, 0u) << s.assembly << ": the engine's bits are its own";
  }
}

// The classes the table tells apart must cost differently where the guides
// say so, or the classification above would not matter.
TEST(Aarch64CostModel, WidthsAndScopesArePricedApart) {
  EXPECT_LT(cost(IC::kStorePair32), cost(IC::kStorePair64)) << "stp w vs stp x";
  EXPECT_LT(cost(IC::kStorePair64), cost(IC::kStorePair128)) << "stp x vs stp q";
  EXPECT_LT(cost(IC::kLoadPair), cost(IC::kLoadPairWide)) << "ldp x vs ldp q";
  EXPECT_LT(cost(IC::kMultiply32), cost(IC::kMultiply64)) << "mul w vs mul x";
  EXPECT_LT(cost(IC::kDivide32), cost(IC::kDivide64)) << "udiv w vs udiv x";
  EXPECT_LT(cost(IC::kTlbiLocal), cost(IC::kTlbiBroadcast)) << "tlbi vs tlbi ...is";
  EXPECT_LT(cost(IC::kMsr), cost(IC::kMsrTtbr)) << "msr vbar vs msr ttbr0";
  EXPECT_LT(cost(IC::kMsrTtbr), cost(IC::kMsrTranslationControl));
  EXPECT_LT(cost(IC::kLoadExclusive), cost(IC::kLoadAcquireExclusive));
  EXPECT_GT(cost(IC::kEret), 1u);
  EXPECT_GT(cost(IC::kDsb), cost(IC::kDmb));
}

TEST(Aarch64CostModel, PlainInstructionsCostOneCycleEach) {
  const BlockCost b = price({0x91000400, 0x91000421, 0x17fffffe});  // add x0, x0, #1 ; add x1, x1, #1 ; b .-8
  EXPECT_EQ(b.instructions, 3u);
  EXPECT_EQ(b.cycles, 3u);
  EXPECT_EQ(b.flags, kBlockNone);
  EXPECT_EQ(b.last_insn_offset, 8u);
}

TEST(Aarch64CostModel, BlockCyclesAreTheSumOfItsInstructions) {
  // stp x29, x30, [sp, #-16]! ; ldr x0, [x1] ; mul x0, x1, x2 ; udiv x0, x1, x2 ; bl .
  const BlockCost b = price({0xa9bf7bfd, 0xf9400020, 0x9b027c20, 0x9ac20820, 0x94000000});
  EXPECT_EQ(b.instructions, 5u);
  EXPECT_EQ(b.cycles, cost(IC::kStorePair64) + cost(IC::kLoad) + cost(IC::kMultiply64) + cost(IC::kDivide64) +
                          cost(IC::kBranchLink));
  EXPECT_EQ(b.cycles, 2u + 1 + 3 + 36 + 2) << "the documented figures";
  EXPECT_EQ(b.last_insn_offset, 16u);
}

// The uncontended atomic increment the kernel's ldaxr/stlxr loops are made
// of costs what x86's lock-prefixed one does (docs/cost-model.md).
TEST(Aarch64CostModel, ExclusiveLoopCostsAsALockedReadModifyWrite) {
  // 1: ldaxr x0, [x1] ; add x0, x0, #1 ; stlxr w2, x0, [x1] ; cbnz w2, 1b
  const BlockCost b = price({0xc85ffc20, 0x91000400, 0xc802fc20, 0x35ffffa2});
  EXPECT_EQ(b.instructions, 4u);
  EXPECT_EQ(b.cycles, 18u);
  EXPECT_EQ(b.flags, kBlockNone);
  EXPECT_EQ(cost(IC::kLseAtomic), b.cycles) << "an LSE atomic replaces this loop";
}

// Capstone 4 cannot decode ARMv8.1 atomics: recognised by their encoding,
// they neither end the block nor count as undefined.
TEST(Aarch64CostModel, LseAtomicsAreDecodedWhereCapstoneIsNot) {
  // ldadd x0, x1, [x2] ; add x0, x0, #1 ; casal x0, x1, [x2]
  const BlockCost b = price({0xf8200041, 0x91000400, 0xc8e0fc41});
  EXPECT_EQ(b.instructions, 3u);
  EXPECT_EQ(b.cycles, 2 * cost(IC::kLseAtomic) + 1);
  EXPECT_EQ(b.flags, kBlockHasLseAtomic);
  EXPECT_EQ(b.last_insn_offset, 8u);
}

TEST(Aarch64CostModel, OnlyTheLastInstructionEndsABlock) {
  // svc #0 ; nop: the svc is not the block's end (Unicorn would have ended it there)
  EXPECT_EQ(price({0xd4000001, 0xd503201f}).flags, kBlockNone);
  // eret ; nop: still changes the MMU's view, but does not end the block
  EXPECT_EQ(price({0xd69f03e0, 0xd503201f}).flags, kBlockChangesMmu);
  // wfi ; svc #0x81
  const BlockCost b = price({0xd503207f, 0xd4001021});
  EXPECT_EQ(b.flags, kBlockEndsWithSvc);
  EXPECT_EQ(b.exception_immediate, 0x81u) << "core/'s kernel-wait svc is told from a system call by it";
  EXPECT_EQ(price({0xd4001021, 0xd503201f}).exception_immediate, 0u) << "only the last instruction's";
}

TEST(Aarch64CostModel, ExceptionImmediatesAreReported) {
  EXPECT_EQ(price({0xd4000001}).exception_immediate, 0u);      // svc #0
  EXPECT_EQ(price({0xd4207d00}).exception_immediate, 0x3e8u);  // brk #0x3e8
  EXPECT_EQ(price({0xd4000002}).exception_immediate, 0u);      // hvc #0
  EXPECT_EQ(price({0xd69f03e0}).exception_immediate, 0u);      // eret
}

// "Has" flags come from any instruction of the block; they add up.
TEST(Aarch64CostModel, FlagsOfABlockAreTheUnionOfItsInstructions) {
  // msr ttbr0_el1, x0 ; isb ; mrs x0, cntvct_el0 ; msr daifclr, #2 ; mrs x0, icc_iar1_el1 ; eret
  const BlockCost b = price({0xd5182000, 0xd5033fdf, 0xd53be040, 0xd50342ff, 0xd538cc00, 0xd69f03e0});
  EXPECT_EQ(b.flags, kBlockChangesMmu | kBlockReadsCounter | kBlockWritesDaif | kBlockUnmasksInterrupts |
                         kBlockHasGicSysreg | kBlockEndsWithEret);
  EXPECT_EQ(b.instructions, 6u);
  EXPECT_EQ(b.cycles, cost(IC::kMsrTtbr) + cost(IC::kIsb) + cost(IC::kCounterRead) + cost(IC::kMsrDaifImmediate) +
                          cost(IC::kGicSysreg) + cost(IC::kEret));
}

TEST(Aarch64CostModel, MayOpenInterruptsMeansUnmaskOrEret) {
  EXPECT_TRUE(price({0xd50342ff}).flags & kBlockMayOpenInterrupts);   // msr daifclr, #2
  EXPECT_TRUE(price({0xd51b4220}).flags & kBlockMayOpenInterrupts);   // msr daif, x0
  EXPECT_TRUE(price({0xd69f03e0}).flags & kBlockMayOpenInterrupts);   // eret
  EXPECT_FALSE(price({0xd50342df}).flags & kBlockMayOpenInterrupts);  // msr daifset, #2
  EXPECT_FALSE(price({0xd50344ff}).flags & kBlockMayOpenInterrupts);  // msr daifclr, #4 (SError only)
  EXPECT_FALSE(price({0xd53b4220}).flags & kBlockMayOpenInterrupts);  // mrs x0, daif
  EXPECT_TRUE(price({0xd4000001}).flags & kBlockEndsWithException);   // svc #0
  EXPECT_TRUE(price({0x00000000}).flags & kBlockEndsWithException);   // udf #0
  EXPECT_FALSE(price({0xd69f03e0}).flags & kBlockEndsWithException);  // eret
}

// The first FP/SIMD instruction of a block is flagged with its offset: the
// engine takes CPACR_EL1's trap itself (Unicorn 2.1.1 never does).
TEST(Aarch64CostModel, TheFirstFpSimdInstructionIsFlaggedWithItsOffset) {
  // ldr x9, [x0] ; add x9, x9, #1 ; fmov x9, d0 ; fmov d0, x0
  const BlockCost b = price({0xf9400009, 0x91000529, 0x9e660009, 0x9e670000});
  EXPECT_TRUE(b.flags & kBlockUsesFpSimd);
  EXPECT_EQ(b.first_fp_simd_offset, 8u);
  // ldr x9, [x0] ; add x9, x9, #1: integer only
  EXPECT_FALSE(price({0xf9400009, 0x91000529}).flags & kBlockUsesFpSimd);
  // add x9, x9, #1 ; mrs x9, fpcr: FPCR and FPSR are FP/SIMD state, trapped alike
  const BlockCost fpcr = price({0x91000529, 0xd53b4409});
  EXPECT_TRUE(fpcr.flags & kBlockUsesFpSimd);
  EXPECT_EQ(fpcr.first_fp_simd_offset, 4u);
  EXPECT_TRUE(is_fp_simd(0xd51b442a)) << "msr fpsr, x10";
  EXPECT_FALSE(is_fp_simd(0xd53b4200)) << "mrs x0, nzcv";
}

TEST(Aarch64CostModel, UndecodableBytesEndTheBlockAsOneInstruction) {
  // nop ; udf #0 ; nop: the udf ends the block, the nop after it is not counted
  const BlockCost udf = price({0xd503201f, 0x00000000, 0xd503201f});
  EXPECT_EQ(udf.instructions, 2u);
  EXPECT_EQ(udf.cycles, 2u);
  EXPECT_EQ(udf.flags, kBlockEndsWithUndefined);
  EXPECT_EQ(udf.last_insn_offset, 4u);
  // nop ; 0xffffffff (unallocated)
  const BlockCost unallocated = price({0xd503201f, 0xffffffff});
  EXPECT_EQ(unallocated.instructions, 2u);
  EXPECT_EQ(unallocated.cycles, 2u);
  EXPECT_EQ(unallocated.flags, kBlockEndsWithUndefined);
  // nop, then two bytes: not a whole instruction
  std::vector<std::uint8_t> partial = bytes_of({0xd503201f});
  partial.push_back(0x1f);
  partial.push_back(0x20);
  const BlockCost cut = model().price_block(partial, 0x40000);
  EXPECT_EQ(cut.instructions, 2u);
  EXPECT_EQ(cut.cycles, 2u);
  EXPECT_EQ(cut.flags, kBlockEndsWithUndefined);
  EXPECT_EQ(cut.last_insn_offset, 4u);
}

TEST(Aarch64CostModel, PricingIsDeterministic) {
  const std::vector<std::uint8_t> code = bytes_of({0xd5182000, 0xd508831f, 0xd5033f9f, 0xd69f03e0});
  const BlockCost a = model().price_block(code, 0x40000);
  const BlockCost b = CostModel(CostTable::defaults()).price_block(code, 0x80000);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.instructions, b.instructions);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(model().price_block({}, 0x40000).instructions, 0u);
}

TEST(Aarch64CostTable, EveryClassHasOneRowWithASource) {
  const CostTable t = CostTable::defaults();
  ASSERT_EQ(t.entries().size(), static_cast<std::size_t>(IC::kCount));
  for (std::size_t i = 0; i < t.entries().size(); ++i) {
    const CostTable::Entry& e = t.entries()[i];
    EXPECT_FALSE(e.mnemonic.empty()) << "row " << i;
    EXPECT_FALSE(e.source.empty()) << e.mnemonic;
    EXPECT_EQ(e.source.find('|'), std::string::npos) << e.mnemonic << ": the docs' table would break";
    EXPECT_EQ(e.cycles, t.instruction_cost(static_cast<IC>(i))) << e.mnemonic;
  }
  ASSERT_EQ(t.event_entries().size(), 9u);
  for (const CostTable::Entry& e : t.event_entries()) {
    EXPECT_FALSE(e.source.empty()) << e.mnemonic;
    EXPECT_GT(e.cycles, 0u) << e.mnemonic;
  }
}

TEST(Aarch64CostTable, KeyFiguresFromTheDocumentedTable) {
  const CostTable t = CostTable::defaults();
  const EventCosts& e = t.events();
  EXPECT_GE(e.board.console_char, 10000u) << "seed 000: a UART character costs 10 000+ cycles";
  EXPECT_GT(e.sync_exception_from_el0, e.sync_exception_same_el);
  EXPECT_GT(e.irq_from_el0, e.irq_same_el);
  EXPECT_GT(e.irq_same_el, e.sync_exception_same_el);
  // The exception-generating instructions are charged once, as the entry event.
  EXPECT_EQ(t.instruction_cost(IC::kExceptionGenerating), 0u);
  EXPECT_EQ(t.event_entries()[0].cycles, e.sync_exception_from_el0) << "event entries in field order";
  EXPECT_EQ(t.event_entries()[8].cycles, e.board.ipi_latency);
}

// docs/cost-model.md's AArch64 section lists every row and event with its
// cycles and source, exactly as the table has them, and nothing else.
std::string aarch64_doc_section() {
  std::ifstream in(PRISTINE_SOURCE_DIR "/docs/cost-model.md");
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  const std::size_t start = text.find("\n## AArch64");
  if (start == std::string::npos) return {};
  const std::size_t end = text.find("\n## ", start + 1);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string doc_line(const CostTable::Entry& e) {
  return "| `" + e.mnemonic + "` | " + std::to_string(e.cycles) + " | " + e.source + " |";
}

TEST(Aarch64CostTable, TheDocListsEveryRowWithItsSource) {
  const std::string section = aarch64_doc_section();
  ASSERT_FALSE(section.empty()) << "docs/cost-model.md has no \"## AArch64\" section";
  const CostTable t = CostTable::defaults();
  std::set<std::string> expected;
  std::string all_expected;
  for (const auto* list : {&t.entries(), &t.event_entries()}) {
    for (const CostTable::Entry& e : *list) {
      expected.insert(doc_line(e));
      all_expected += doc_line(e) + "\n";
    }
  }
  // A priced row: a name in backquotes, then cycles (the flags table's
  // second column is words).
  static const std::regex kPricedRow("^\\| `[^`]*` \\| [0-9]+ \\| ");
  std::set<std::string> listed;
  std::istringstream lines(section);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, kPricedRow)) listed.insert(line);
  }
  for (const std::string& line : expected) EXPECT_TRUE(listed.count(line)) << "missing from the doc: " << line;
  for (const std::string& line : listed) EXPECT_TRUE(expected.count(line)) << "not in the table: " << line;
  if (HasFailure()) ADD_FAILURE() << "the rows as the table has them:\n" << all_expected;
}

// The kernel AArch64 really runs: every instruction of every executable
// section of build/images/aarch64-kernel.elf (the code between the ELF's $x
// and $d mapping symbols; literal pools are $d) decodes, so Capstone knows
// all the kernel's instructions and an undefined ending means a real udf. The
// kernel is built for ARMv8.0 (hw-aarch64/CMakeLists.txt), so it has no LSE
// atomic (kBlockHasLseAtomic).
struct CodeWord {
  std::uint64_t address;
  std::uint32_t word;
};

template <typename T>
T field(const std::vector<std::uint8_t>& file, std::uint64_t at) {
  T value = 0;
  if (at + sizeof(T) > file.size()) throw std::runtime_error("ELF field past the end of the file");
  for (std::size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(static_cast<T>(file[at + i]) << (8 * i));
  return value;
}

// The words of the ELF64 (little-endian, EM_AARCH64) file's code.
std::vector<CodeWord> code_words(const std::vector<std::uint8_t>& file) {
  if (file.size() < 64 || field<std::uint16_t>(file, 0x12) != 183) throw std::runtime_error("not an AArch64 ELF");
  const std::uint64_t shoff = field<std::uint64_t>(file, 0x28);
  const unsigned shentsize = field<std::uint16_t>(file, 0x3a), shnum = field<std::uint16_t>(file, 0x3c);
  auto section = [&](unsigned i, unsigned off) { return shoff + std::uint64_t{i} * shentsize + off; };
  // Mapping symbols per section: address -> code ($x) or data ($d).
  std::vector<std::vector<std::pair<std::uint64_t, bool>>> maps(shnum);
  for (unsigned i = 0; i < shnum; ++i) {
    if (field<std::uint32_t>(file, section(i, 4)) != 2) continue;  // SHT_SYMTAB
    const std::uint64_t symoff = field<std::uint64_t>(file, section(i, 0x18));
    const std::uint64_t symsize = field<std::uint64_t>(file, section(i, 0x20));
    const unsigned strtab = field<std::uint32_t>(file, section(i, 0x28));
    const std::uint64_t stroff = field<std::uint64_t>(file, section(strtab, 0x18));
    for (std::uint64_t sym = symoff; sym + 24 <= symoff + symsize; sym += 24) {
      const std::uint64_t name = stroff + field<std::uint32_t>(file, sym);
      const unsigned shndx = field<std::uint16_t>(file, sym + 6);
      if (name + 2 > file.size() || shndx >= shnum || file[name] != '$') continue;
      if (file[name + 1] != 'x' && file[name + 1] != 'd') continue;
      if (file[name + 2] != 0 && file[name + 2] != '.') continue;
      maps[shndx].push_back({field<std::uint64_t>(file, sym + 8), file[name + 1] == 'x'});
    }
  }
  std::vector<CodeWord> words;
  for (unsigned i = 0; i < shnum; ++i) {
    if (!(field<std::uint64_t>(file, section(i, 8)) & 4)) continue;  // SHF_EXECINSTR
    const std::uint64_t addr = field<std::uint64_t>(file, section(i, 0x10));
    const std::uint64_t off = field<std::uint64_t>(file, section(i, 0x18));
    const std::uint64_t size = field<std::uint64_t>(file, section(i, 0x20));
    std::sort(maps[i].begin(), maps[i].end());
    for (std::size_t m = 0; m < maps[i].size(); ++m) {
      if (!maps[i][m].second) continue;
      const std::uint64_t end = m + 1 < maps[i].size() ? maps[i][m + 1].first : addr + size;
      for (std::uint64_t a = maps[i][m].first; a + 4 <= end; a += 4) {
        words.push_back({a, field<std::uint32_t>(file, off + (a - addr))});
      }
    }
  }
  return words;
}

TEST(Aarch64KernelImage, EveryInstructionOfTheKernelDecodes) {
  std::ifstream in(PRISTINE_BUILD_DIR "/images/aarch64-kernel.elf", std::ios::binary);
  ASSERT_TRUE(in) << "build/images/aarch64-kernel.elf: built by every build";
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::vector<CodeWord> words = code_words(file);
  ASSERT_GT(words.size(), 10000u) << "the kernel's code, found by its $x mapping symbols";
  std::size_t svcs = 0, erets = 0;
  for (const CodeWord& w : words) {
    const BlockCost b = price({w.word});
    const bool is_udf = (w.word & 0xffff0000u) == 0;
    svcs += (b.flags & kBlockEndsWithSvc) != 0;
    erets += (b.flags & kBlockEndsWithEret) != 0;
    EXPECT_TRUE(is_udf || !(b.flags & kBlockEndsWithUndefined))
        << std::hex << "0x" << w.address << ": 0x" << w.word << " does not decode";
    EXPECT_FALSE(b.flags & kBlockHasLseAtomic) << std::hex << "0x" << w.address << ": 0x" << w.word;
    EXPECT_EQ(b.instructions, 1u);
  }
  EXPECT_GT(svcs, 0u) << "the kernel-wait svc and the programs' system calls";
  EXPECT_GT(erets, 0u) << "the exception return";
}

}  // namespace
}  // namespace pristine::sim::aarch64
