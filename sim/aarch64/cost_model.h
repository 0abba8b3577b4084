// The AArch64 cost model: what each instruction and each CPU event costs in
// modeled cycles on a Cortex-A57/A72-class core (QEMU's `virt` board runs
// `-cpu cortex-a57`, docs/aarch64.md). The x86-64 model is sim/cost_model.h;
// this one has the same shape (a table of sourced rows, a pricer that decodes
// a translated block once with Capstone) and its own flags, since what the
// engine must act on after a block differs by architecture. The rows and
// their sources: sim/aarch64/cost_table.cpp, docs/cost-model.md ("AArch64").
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sim/board_costs.h"
#include "sim/cost_entry.h"

namespace pristine::sim {
class CapstoneHandle;
}

namespace pristine::sim::aarch64 {

// A guest address, as sim/host_types.h's VirtAddr: not included from there,
// since it brings core/'s architecture facts (arch/, the x86-64 ones in the
// host build) that the pricer has no use for.
using VirtAddr = std::uint64_t;

// Properties of a block the engine must act on. "EndsWith" flags describe the
// block's last instruction (Unicorn ends a translated block at each of them);
// "Has" flags any instruction of the block. Bit 8 and bits 16 and up are left
// to the engine, which ORs its own marks into a cached block's flags as the
// x86 run loop does (kBlockWatched in sim/cost_model.h, sim/pristine_rules.h):
// the pricer never sets them (kEngineFlagBits).
enum BlockFlags : std::uint32_t {
  kBlockNone = 0,
  kBlockEndsWithEret = 1u << 0,  // eret: leaves an exception (PSTATE from SPSR_ELx, EL may change)
  // svc: a system call from EL0, or EL1's `svc` that core/'s kernel_wait uses
  // as its software interrupt; the engine tells them apart by the EL it runs
  // at, and BlockCost::exception_immediate holds the immediate.
  kBlockEndsWithSvc = 1u << 1,
  kBlockEndsWithWait = 1u << 2,  // wfi / wfe: the CPU may sleep until an event or interrupt
  kBlockEndsWithBrk = 1u << 3,   // brk: a breakpoint exception (ESR class 0x3c)
  kBlockEndsWithHvc = 1u << 4,   // hvc: a call to EL2 (PSCI on QEMU's virt board)
  kBlockEndsWithSmc = 1u << 5,   // smc: a call to EL3
  // udf, or bytes Capstone cannot decode and no rule below recognises: an
  // Undefined Instruction exception on the modeled core.
  kBlockEndsWithUndefined = 1u << 6,
  kBlockWritesDaif = 1u << 7,  // msr daifset / daifclr / daif anywhere
  kBlockWatched = 1u << 8,  // the engine's: the run loop looks at the CPU before this block
  // May unmask IRQ or FIQ: `msr daifclr` with the I or F bit, or `msr daif, xN`
  // (a value unknown when the block is priced). The engine polls for pending
  // interrupts after such a block. `msr daifset` only masks; clearing D or A
  // (debug, SError) opens no interrupt the board raises.
  kBlockUnmasksInterrupts = 1u << 9,
  // May change what the MMU depends on: a write to TTBR0_EL1, TTBR1_EL1,
  // SCTLR_EL1 or TCR_EL1, any TLBI, or eret (the EL the accesses are checked
  // at). Exception entry changes the EL too, but the engine performs it and
  // knows; the instructions that cause it are flagged by their own EndsWith.
  kBlockChangesMmu = 1u << 10,
  // Reads the physical or virtual counter (CNTPCT_EL0, CNTVCT_EL0 and their
  // self-synchronised forms), a timer's TVAL (the compare value minus the
  // counter) or the PMU cycle counter (PMCCNTR_EL0): forbidden in simulated
  // guest code, like x86's rdtsc, since the simulator's clock is the board's.
  kBlockReadsCounter = 1u << 11,
  // Reads or writes a GICv3 CPU interface register (ICC_*): the simulated
  // board has no GIC; its interrupt controller is the board's register page.
  kBlockHasGicSysreg = 1u << 12,
  // An ARMv8.1 LSE atomic (ld<op>, st<op>, swp, cas, casp). The modeled
  // Cortex-A57 is ARMv8.0: QEMU's cortex-a57 makes them undefined; the kernel
  // is built without them (hw-aarch64/CMakeLists.txt: -mno-outline-atomics,
  // no -march above armv8-a). Priced, and flagged so the engine can refuse.
  kBlockHasLseAtomic = 1u << 13,
  // An FP/SIMD instruction (BlockCost::first_fp_simd_offset, the first):
  // Unicorn 2.1.1 never traps one (its fp_exception_el is 0), so the engine
  // takes CPACR_EL1's FP/SIMD trap itself.
  kBlockUsesFpSimd = 1u << 14,
};

// What CPACR_EL1.FPEN traps: A64's data processing on FP/SIMD registers
// (encoding group op0 x111, Arm ARM C4.1), loads and stores of them (op0
// x1x0 with V, bit 26, set), and MRS/MSR of FPCR and FPSR.
constexpr bool is_fp_simd(std::uint32_t insn) {
  const unsigned op0 = (insn >> 25) & 0xf;
  const bool fpcr_or_fpsr = (insn & 0xffdfffc0) == 0xd51b4400;
  return (op0 & 7) == 7 || ((op0 & 5) == 4 && ((insn >> 26) & 1) != 0) || fpcr_or_fpsr;
}

// Bits the pricer leaves to the engine (see BlockFlags).
inline constexpr std::uint32_t kEngineFlagBits = (1u << 8) | 0xffff0000u;

// Blocks after which IRQs may be unmasked though they were masked before:
// eret restores PSTATE.DAIF from SPSR_EL1.
inline constexpr std::uint32_t kBlockMayOpenInterrupts = kBlockUnmasksInterrupts | kBlockEndsWithEret;

// Blocks that end in a synchronous exception the engine delivers.
inline constexpr std::uint32_t kBlockEndsWithException =
    kBlockEndsWithSvc | kBlockEndsWithBrk | kBlockEndsWithHvc | kBlockEndsWithSmc | kBlockEndsWithUndefined;

struct BlockCost {
  std::uint32_t instructions = 0;
  std::uint32_t cycles = 0;  // sum of the instruction costs
  std::uint32_t flags = kBlockNone;
  std::uint32_t last_insn_offset = 0;  // byte offset of the last instruction
  // The 16-bit immediate of the last instruction when it is svc, hvc, smc or
  // brk (ESR_ELx.ISS holds it on delivery; core/ tells its kernel-wait svc
  // from a system call by it and the EL), else 0.
  std::uint32_t exception_immediate = 0;
  std::uint32_t first_fp_simd_offset = 0;  // kBlockUsesFpSimd: byte offset of the first
};

// Costs of CPU events that are not a single decoded instruction, in modeled
// cycles. The instructions that raise the synchronous ones (svc, hvc, smc,
// brk) cost 0 in the table: each entry is charged once, here.
struct EventCosts {
  std::uint32_t sync_exception_from_el0 = 0;   // svc, abort, brk from EL0: to EL1's lower-EL vector
  std::uint32_t sync_exception_same_el = 0;    // the same taken at EL1 (no EL change)
  std::uint32_t irq_from_el0 = 0;              // an IRQ taken while at EL0
  std::uint32_t irq_same_el = 0;               // an IRQ taken while at EL1
  BoardCosts board;                            // the simulated board's accesses (sim/board_costs.h)
};

// What an instruction is priced as: one table row each. Loads, stores, pairs
// and multiplies are told apart by their encoding (width, register file), the
// system instructions by the register or operation they name.
enum class InstructionClass : std::uint8_t {
  kOther,             // ALU, moves, shifts, prefetch, hints, nop...: the default
  kBranch,            // b, b.cond, br, ret, cbz/cbnz, tbz/tbnz
  kBranchLink,        // bl, blr
  kLoad,              // ldr/ldur/ldtr (any width), ldrs*
  kLoadPair,          // ldp/ldnp of W, X, S or D registers
  kLoadPairWide,      // ldp/ldnp of Q registers, ldpsw
  kStore,             // str/stur/sttr (any width)
  kStorePair32,       // stp/stnp of W or S registers
  kStorePair64,       // stp/stnp of X or D registers
  kStorePair128,      // stp/stnp of Q registers
  kLoadExclusive,     // ldxr*, ldxp
  kStoreExclusive,    // stxr*, stxp
  kLoadAcquireExclusive,   // ldaxr*, ldaxp
  kStoreReleaseExclusive,  // stlxr*, stlxp
  kLoadAcquire,       // ldar*, ldapr*
  kStoreRelease,      // stlr*
  kLseAtomic,         // ARMv8.1 ld<op>/st<op>/swp/cas/casp (kBlockHasLseAtomic)
  kMultiply32,        // mul/madd/msub/mneg, W form
  kMultiply64,        // the same, X form
  kMultiplyLong,      // smull/umull/smaddl/umaddl/smsubl/umsubl/smnegl/umnegl
  kMultiplyHigh,      // smulh/umulh
  kDivide32,          // sdiv/udiv, W form
  kDivide64,          // sdiv/udiv, X form
  kDmb,
  kDsb,
  kIsb,
  kMrs,                    // mrs of a system register not below
  kMrsExceptionState,      // mrs of ELR_EL1, SPSR_EL1, ESR_EL1, FAR_EL1
  kCounterRead,            // mrs of a counter (kBlockReadsCounter)
  kMsr,                    // msr of a system register not below; sys, sysl, at; other PSTATE fields
  kMsrTtbr,                // msr ttbr0_el1 / ttbr1_el1
  kMsrTranslationControl,  // msr sctlr_el1 / tcr_el1
  kMsrDaifImmediate,       // msr daifset / daifclr, #imm
  kMsrDaifRegister,        // msr daif, xN
  kMsrSpsel,               // msr spsel (immediate or register)
  kGicSysreg,              // mrs/msr of an ICC_* register (kBlockHasGicSysreg)
  kTlbiLocal,              // tlbi of this core's TLB
  kTlbiBroadcast,          // tlbi ...is / ...os: every core of the shareability domain
  kDcMaintenance,          // dc civac/cvac/cvau/ivac/... (clean or invalidate a line)
  kDcZva,                  // dc zva: zero a block
  kIcInvalidateAll,        // ic iallu / ialluis
  kIcInvalidateVa,         // ic ivau
  kEret,
  kExceptionGenerating,    // svc, hvc, smc, brk: charged as the exception entry event
  kWait,                   // wfi, wfe
  kUndefined,              // udf and undecodable bytes
  kCount,
};

// The table: a cost per instruction class, plus event costs.
class CostTable {
 public:
  using Entry = CostEntry;

  // The documented default table (docs/cost-model.md, "AArch64").
  static CostTable defaults();

  std::uint32_t instruction_cost(InstructionClass c) const { return by_class_[static_cast<unsigned>(c)]; }
  const EventCosts& events() const { return events_; }

  // Every instruction class's row with its source, in InstructionClass order
  // (entries()[i] prices class i).
  const std::vector<Entry>& entries() const { return entries_; }
  // Every event cost (EventCosts) with its name and source, in field order.
  const std::vector<Entry>& event_entries() const { return event_entries_; }

 private:
  std::uint32_t by_class_[static_cast<unsigned>(InstructionClass::kCount)] = {};
  std::vector<Entry> entries_;
  std::vector<Entry> event_entries_;
  EventCosts events_{};
};

// Decodes blocks with Capstone (ARM64) and prices them with a CostTable.
class CostModel {
 public:
  explicit CostModel(CostTable table);
  ~CostModel();
  CostModel(const CostModel&) = delete;
  CostModel& operator=(const CostModel&) = delete;

  // Decode `code` (the bytes of one translated block at `address`) and price it.
  // Undecodable bytes end the block (counted as one instruction of cost 1).
  BlockCost price_block(std::span<const std::uint8_t> code, VirtAddr address) const;

  const CostTable& table() const { return table_; }

 private:
  CostTable table_;
  std::unique_ptr<CapstoneHandle> capstone_;
};

}  // namespace pristine::sim::aarch64
