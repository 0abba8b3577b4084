// The default AArch64 cost table. Every figure is modeled cycles on a
// Cortex-A57/A72-class core (QEMU's `virt` board: -cpu cortex-a57); `source`
// says where it comes from. Published figures are Arm's Software Optimization
// Guides (instruction characteristics tables); an instruction is charged the
// cycles it holds its pipeline (the reciprocal of the guide's execution
// throughput), as the x86 table charges Agner Fog's reciprocal throughput and
// leaves latency and overlap unmodeled (docs/cost-model.md, "Not modeled").
// Where no figure is published (barriers, system registers, TLB and cache
// maintenance, exception entry and return) the value is a conservative
// estimate and says so. docs/cost-model.md ("AArch64") lists every row;
// tests/aarch64_cost_model_test.cpp checks that it does.
#include "sim/aarch64/cost_model.h"

#include <iterator>

namespace pristine::sim::aarch64 {
namespace {

struct Row {
  InstructionClass cls;
  const char* mnemonic;
  std::uint32_t cycles;
  const char* source;
};

using IC = InstructionClass;

// The guides' figures are the same for these rows on both cores.
#define GUIDES "Cortex-A57 (Arm UAN 0015B) and Cortex-A72 (Arm UAN 0016A) Software Optimization Guides, "

constexpr Row kRows[] = {
    {IC::kOther, "other (ALU, moves, shifts, hints, prefetch)", 1,
     GUIDES "Arithmetic and Logical Instructions: ALU basic, latency 1, throughput 2 (charged 1, as every unlisted "
            "x86 instruction)"},
    {IC::kBranch, "b, b.cond, br, ret, cbz, cbnz, tbz, tbnz", 1,
     GUIDES "Branch Instructions: one B micro-op, latency 1, throughput 1"},
    {IC::kBranchLink, "bl, blr", 2,
     GUIDES "Branch Instructions: branch and link is two micro-ops (B and I pipelines), as x86's call is charged its "
            "2 uops"},
    {IC::kLoad, "ldr, ldur, ldtr (one register, any width)", 1,
     GUIDES "Load Instructions: one L micro-op, throughput 1 (the latency of 4 with an L1 hit is not charged, as on "
            "x86)"},
    {IC::kLoadPair, "ldp, ldnp (W, X, S or D registers)", 1,
     GUIDES "Load Instructions: load pair, one L micro-op, throughput 1"},
    {IC::kLoadPairWide, "ldp, ldnp (Q registers), ldpsw", 2,
     GUIDES "Load Instructions and FP Load Instructions: two L micro-ops, throughput 1/2"},
    {IC::kStore, "str, stur, sttr (one register, any width)", 1,
     GUIDES "Store Instructions: one S micro-op, throughput 1"},
    {IC::kStorePair32, "stp, stnp (W or S registers)", 1,
     GUIDES "Store Instructions: store pair W-form, one S micro-op, throughput 1"},
    {IC::kStorePair64, "stp, stnp (X or D registers)", 2,
     GUIDES "Store Instructions: store pair X-form, two S micro-ops, throughput 1/2"},
    {IC::kStorePair128, "stp, stnp (Q registers)", 4,
     GUIDES "FP Store Instructions: store pair Q-form, four S micro-ops, throughput 1/4"},
    {IC::kLoadExclusive, "ldxr, ldxrb, ldxrh, ldxp", 4,
     "estimate: not in the guides' tables; a load (latency 4, Load Instructions) that arms the exclusive monitor, "
     "charged its latency since the store-exclusive waits for it"},
    {IC::kStoreExclusive, "stxr, stxrb, stxrh, stxp", 4,
     "estimate: not in the guides' tables; checks the monitor and returns the status the retry loop branches on, "
     "charged as the load-exclusive"},
    {IC::kLoadAcquireExclusive, "ldaxr, ldaxrb, ldaxrh, ldaxp", 8,
     "estimate: not in the guides' tables; ldxr and the acquire ordering: twice ldxr, so that an uncontended "
     "ldaxr/stlxr read-modify-write with its ALU operation and branch (18) costs what x86's locked one does (19)"},
    {IC::kStoreReleaseExclusive, "stlxr, stlxrb, stlxrh, stlxp", 8,
     "estimate: not in the guides' tables; stxr and the release ordering: twice stxr (see ldaxr)"},
    {IC::kLoadAcquire, "ldar, ldarb, ldarh, ldapr", 4,
     "estimate: not in the guides' tables; a load the later accesses wait for: its latency (4, Load Instructions)"},
    {IC::kStoreRelease, "stlr, stlrb, stlrh", 4,
     "estimate: not in the guides' tables; a store that waits for the earlier accesses: as ldar"},
    {IC::kLseAtomic, "ldadd, ldclr, ldeor, ldset, ldsmax, ldsmin, ldumax, ldumin, st<op>, swp, cas, casp (LSE)", 18,
     "estimate: the Cortex-A57 and A72 are ARMv8.0, without LSE (flagged: kBlockHasLseAtomic); priced as the "
     "ldaxr/stlxr loop one replaces (8 + 1 + 8 + 1)"},
    {IC::kMultiply32, "mul, madd, msub, mneg (W)", 1,
     GUIDES "Divide and Multiply Instructions: multiply accumulate W-form, latency 3, throughput 1"},
    {IC::kMultiply64, "mul, madd, msub, mneg (X)", 3,
     GUIDES "Divide and Multiply Instructions: multiply accumulate X-form, latency 5, throughput 1/3"},
    {IC::kMultiplyLong, "smull, umull, smaddl, umaddl, smsubl, umsubl, smnegl, umnegl", 1,
     GUIDES "Divide and Multiply Instructions: multiply accumulate long, latency 3, throughput 1"},
    {IC::kMultiplyHigh, "smulh, umulh", 4,
     GUIDES "Divide and Multiply Instructions: multiply high, latency 6, throughput 1/4"},
    {IC::kDivide32, "sdiv, udiv (W)", 20,
     GUIDES "Divide and Multiply Instructions: divide W-form, latency 4-20, throughput 1/20-1/4 (the slowest "
            "charged: conservative, as x86's div)"},
    {IC::kDivide64, "sdiv, udiv (X)", 36,
     GUIDES "Divide and Multiply Instructions: divide X-form, latency 4-36, throughput 1/36-1/4 (the slowest charged)"},
    {IC::kDmb, "dmb", 20,
     "estimate (no published figure; conservative): waits until the earlier accesses are observed; below x86's "
     "mfence (33), which also drains the store buffer"},
    {IC::kDsb, "dsb", 33,
     "estimate (no published figure; conservative): waits for every earlier access and maintenance operation to "
     "complete, as x86's mfence (33, Agner Fog, Skylake)"},
    {IC::kIsb, "isb", 20,
     "estimate (no published figure; conservative): flushes the pipeline and refetches, above a mispredicted "
     "branch (about 15 cycles on this core class)"},
    {IC::kMrs, "mrs (other system registers), sysl", 5,
     "estimate (no published figure; conservative): as x86's mov r, crN"},
    {IC::kMrsExceptionState, "mrs elr_el1, spsr_el1, esr_el1, far_el1", 5,
     "estimate (no published figure; conservative): the return state and syndrome every exception entry reads, as "
     "any mrs"},
    {IC::kCounterRead, "mrs cntvct_el0, cntpct_el0, cntvctss_el0, cntpctss_el0, cntv_tval_el0, cntp_tval_el0, "
                       "pmccntr_el0", 25,
     "estimate (no published figure; conservative): as x86's rdtsc (25, Agner Fog, Skylake); forbidden in "
     "simulated code (kBlockReadsCounter)"},
    {IC::kMsr, "msr (other system registers), sys, at, other PSTATE fields", 10,
     "estimate (no published figure; conservative): a system register write waits for the older instructions; "
     "the isb that makes it take effect is charged on its own"},
    {IC::kMsrTtbr, "msr ttbr0_el1, ttbr1_el1", 50,
     "estimate (no published figure; conservative): a new translation table base; ASID-tagged, so no TLB flush, "
     "unlike x86's mov cr3 (150)"},
    {IC::kMsrTranslationControl, "msr sctlr_el1, tcr_el1", 100,
     "estimate (no published figure; conservative): changes the translation regime, as x86's mov cr0/cr4 (100)"},
    {IC::kMsrDaifImmediate, "msr daifset, daifclr", 5,
     "estimate (no published figure; conservative): masks or unmasks interrupts, as x86's cli/sti (5, Agner Fog, "
     "Skylake)"},
    {IC::kMsrDaifRegister, "msr daif", 10,
     "estimate (no published figure; conservative): as msr to another system register"},
    {IC::kMsrSpsel, "msr spsel", 10,
     "estimate (no published figure; conservative): selects SP_EL0 or SP_ELx, as msr to another system register"},
    {IC::kGicSysreg, "mrs, msr icc_* (GICv3 CPU interface)", 30,
     "estimate (no published figure; conservative): as a board register access; flagged, the simulated board has "
     "no GIC (kBlockHasGicSysreg)"},
    {IC::kTlbiLocal, "tlbi (this core)", 100,
     "estimate (no published figure; conservative): as x86's invlpg (100)"},
    {IC::kTlbiBroadcast, "tlbi ...is, ...os (broadcast)", 150,
     "estimate (no published figure; conservative): invlpg's 100 and the broadcast to the other cores; the wait "
     "for their completion is the dsb that follows"},
    {IC::kDcMaintenance, "dc civac, cvac, cvau, cvap, ivac (and the set/way forms)", 20,
     "estimate (no published figure; conservative): cleans or invalidates one cache line"},
    {IC::kDcZva, "dc zva", 4,
     "estimate (no published figure; conservative): zeroes one 64-byte block, as four 16-byte stores"},
    {IC::kIcInvalidateAll, "ic iallu, ialluis", 100,
     "estimate (no published figure; conservative): invalidates the whole instruction cache"},
    {IC::kIcInvalidateVa, "ic ivau", 20,
     "estimate (no published figure; conservative): invalidates one instruction cache line, as dc by address"},
    {IC::kEret, "eret", 60,
     "estimate (no published figure; conservative): context-synchronising (a pipeline flush, as isb), restores "
     "PSTATE from SPSR_EL1 and branches to ELR_EL1; as x86's iretq (60)"},
    {IC::kExceptionGenerating, "svc, hvc, smc, brk", 0,
     "charged once, as the synchronous exception entry event"},
    {IC::kWait, "wfi, wfe", 1,
     "the instruction issues as any other; the wait is the engine's (kBlockEndsWithWait)"},
    {IC::kUndefined, "udf, undecodable bytes", 1,
     "as on x86: one instruction of cost 1; the exception it raises is an event"},
};
#undef GUIDES

// Row i prices class i: entries() is in class order, and a class without a
// row (or with two) fails the build.
constexpr bool rows_in_class_order() {
  if (std::size(kRows) != static_cast<std::size_t>(IC::kCount)) return false;
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    if (static_cast<std::size_t>(kRows[i].cls) != i) return false;
  }
  return true;
}
static_assert(rows_in_class_order(), "one row per InstructionClass, in its order");

}  // namespace

CostTable CostTable::defaults() {
  CostTable t;
  for (const Row& row : kRows) {
    t.by_class_[static_cast<unsigned>(row.cls)] = row.cycles;
    t.entries_.push_back({row.mnemonic, row.cycles, row.source});
  }
  t.events_ = EventCosts{
      .sync_exception_from_el0 = 40,
      .sync_exception_same_el = 30,
      .irq_from_el0 = 60,
      .irq_same_el = 50,
      .board = default_board_costs(),
  };
  // Each event with its source (docs/cost-model.md, "AArch64"). A new
  // EventCosts field needs its entry here: the size check fails until then.
  static_assert(sizeof(EventCosts) == 9 * sizeof(std::uint32_t), "list every EventCosts field in event_entries_");
  const EventCosts& e = t.events_;
  t.event_entries_ = {
      {"synchronous exception from EL0", e.sync_exception_from_el0,
       "estimate (no published figure; conservative): the entry at EL1's same-EL cost and the switch to EL1 and "
       "SP_EL1; x86's SYSCALL is 30"},
      {"synchronous exception at EL1", e.sync_exception_same_el,
       "estimate (no published figure; conservative): ELR, SPSR and ESR written and a branch to the vector with "
       "no memory access (x86's delivery pushes a frame: 100-150); a pipeline flush, as isb, and the vector fetch"},
      {"IRQ from EL0", e.irq_from_el0,
       "estimate (no published figure; conservative): the synchronous entry from EL0 and the interrupt taken at an "
       "instruction boundary, the instructions in flight discarded"},
      {"IRQ at EL1", e.irq_same_el,
       "estimate (no published figure; conservative): the synchronous entry at EL1 and the interrupt taken at an "
       "instruction boundary"},
  };
  for (CostEntry& entry : board_cost_entries(e.board)) t.event_entries_.push_back(std::move(entry));
  return t;
}

}  // namespace pristine::sim::aarch64
