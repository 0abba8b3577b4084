// Prices AArch64 blocks: Capstone names the instruction, and the instruction
// word itself names what Capstone versions report differently or not at all
// (the system register an mrs/msr moves, a TLBI's scope, a pair's register
// width, ARMv8.1 atomics, which Capstone 4 cannot decode). Every A64
// instruction is one little-endian 32-bit word, so reading its fields is exact.
#include "sim/aarch64/cost_model.h"

#include <capstone/capstone.h>

#include "sim/capstone_handle.h"

namespace pristine::sim::aarch64 {
namespace {

using IC = InstructionClass;

// A system register's key: op0:op1:CRn:CRm:op2, bits 20:5 of an mrs/msr word
// (the numbering Capstone 4 uses for ARM64_SYSREG_*, and the Arm ARM's
// S<op0>_<op1>_C<n>_C<m>_<op2> names).
constexpr std::uint32_t sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

constexpr std::uint32_t kTtbr0El1 = sysreg(3, 0, 2, 0, 0);
constexpr std::uint32_t kTtbr1El1 = sysreg(3, 0, 2, 0, 1);
constexpr std::uint32_t kTcrEl1 = sysreg(3, 0, 2, 0, 2);
constexpr std::uint32_t kSctlrEl1 = sysreg(3, 0, 1, 0, 0);
constexpr std::uint32_t kDaif = sysreg(3, 3, 4, 2, 1);
constexpr std::uint32_t kSpsel = sysreg(3, 0, 4, 2, 0);
constexpr std::uint32_t kSpsrEl1 = sysreg(3, 0, 4, 0, 0);
constexpr std::uint32_t kElrEl1 = sysreg(3, 0, 4, 0, 1);
constexpr std::uint32_t kEsrEl1 = sysreg(3, 0, 5, 2, 0);
constexpr std::uint32_t kFarEl1 = sysreg(3, 0, 6, 0, 0);

// Registers whose read reveals the host-independent clock the board owns
// (kBlockReadsCounter): the counters, their self-synchronised forms
// (ARMv8.6), the timers' TVAL (CVAL minus the counter) and the PMU's cycles.
bool reads_counter(std::uint32_t key) {
  switch (key) {
    case sysreg(3, 3, 14, 0, 1):   // CNTPCT_EL0
    case sysreg(3, 3, 14, 0, 2):   // CNTVCT_EL0
    case sysreg(3, 3, 14, 0, 5):   // CNTPCTSS_EL0
    case sysreg(3, 3, 14, 0, 6):   // CNTVCTSS_EL0
    case sysreg(3, 3, 14, 2, 0):   // CNTP_TVAL_EL0
    case sysreg(3, 3, 14, 3, 0):   // CNTV_TVAL_EL0
    case sysreg(3, 3, 9, 13, 0):   // PMCCNTR_EL0
      return true;
    default:
      return false;
  }
}

// The GICv3 CPU interface (ICC_*; Arm GIC architecture specification, the
// system register encodings): EL1's at S3_0_C12_C8..C12 and ICC_PMR_EL1,
// ICC_SRE_EL2, and EL3's control, enable and SRE registers.
bool is_gic_cpu_interface(std::uint32_t key) {
  const unsigned op1 = (key >> 11) & 7, crn = (key >> 7) & 15, crm = (key >> 3) & 15;
  if ((key >> 14) != 3) return false;
  if (op1 == 0 && crn == 12 && crm >= 8 && crm <= 12) return true;
  switch (key) {
    case sysreg(3, 0, 4, 6, 0):     // ICC_PMR_EL1
    case sysreg(3, 4, 12, 9, 5):    // ICC_SRE_EL2
    case sysreg(3, 6, 12, 12, 4):   // ICC_CTLR_EL3
    case sysreg(3, 6, 12, 12, 5):   // ICC_SRE_EL3
    case sysreg(3, 6, 12, 12, 7):   // ICC_IGRPEN1_EL3
      return true;
    default:
      return false;
  }
}

// ARMv8.1 LSE atomics, by encoding (Arm ARM C4.1, "Loads and Stores"):
// atomic memory operations (size 111 V=0 00 A R 1 Rs o3 opc 00 Rn Rt, o3:opc
// one of the eight ld<op> or swp), compare-and-swap (size 001000 1 L 1 Rs o0
// 11111) and its pair form (0 sz 001000 0 L 1 Rs o0 11111; size 0x, so not
// ldxp/stxp).
bool is_lse_atomic(std::uint32_t w) {
  if ((w & 0x3f200c00u) == 0x38200000u) {
    const unsigned o3_opc = (w >> 12) & 15;
    return o3_opc <= 8;  // 1000 is swp; 1100 is ldapr (is_ldapr), the rest unallocated
  }
  return (w & 0x3fa07c00u) == 0x08a07c00u || (w & 0xbfa07c00u) == 0x08207c00u;
}

// LDAPR (ARMv8.3, RCpc): in the atomic memory space with o3:opc 1100.
bool is_ldapr(std::uint32_t w) { return (w & 0x3f20fc00u) == 0x3820c000u; }

// udf #imm16: permanently undefined (Capstone 4 does not decode it at all).
bool is_udf(std::uint32_t w) { return (w & 0xffff0000u) == 0; }

struct Classified {
  IC cls = IC::kOther;
  std::uint32_t flags = kBlockNone;
};

// mrs, msr (register and immediate), sys, sysl: the system instruction space,
// 1101 0101 00 L op0 op1 CRn CRm op2 Rt.
Classified classify_system(std::uint32_t w) {
  const bool read = (w >> 21) & 1;
  const unsigned op0 = (w >> 19) & 3, op1 = (w >> 16) & 7, crn = (w >> 12) & 15, crm = (w >> 8) & 15,
                 op2 = (w >> 5) & 7;
  const std::uint32_t key = (w >> 5) & 0xffff;
  if (op0 >= 2) {  // mrs / msr (register)
    if (is_gic_cpu_interface(key)) return {IC::kGicSysreg, kBlockHasGicSysreg};
    if (read) {
      if (reads_counter(key)) return {IC::kCounterRead, kBlockReadsCounter};
      if (key == kElrEl1 || key == kSpsrEl1 || key == kEsrEl1 || key == kFarEl1) return {IC::kMrsExceptionState};
      return {IC::kMrs};
    }
    if (key == kTtbr0El1 || key == kTtbr1El1) return {IC::kMsrTtbr, kBlockChangesMmu};
    if (key == kSctlrEl1 || key == kTcrEl1) return {IC::kMsrTranslationControl, kBlockChangesMmu};
    if (key == kDaif) return {IC::kMsrDaifRegister, kBlockWritesDaif | kBlockUnmasksInterrupts};
    if (key == kSpsel) return {IC::kMsrSpsel};
    return {IC::kMsr};
  }
  if (op0 == 0) {
    // msr <pstatefield>, #imm (CRn 4, Rt 31); hints and barriers (CRn 2, 3)
    // are named by Capstone and never reach here.
    if (crn == 4 && !read) {
      const unsigned field = (op1 << 3) | op2;
      if (field == 0x1e) return {IC::kMsrDaifImmediate, kBlockWritesDaif};  // daifset
      if (field == 0x1f) {                                                 // daifclr
        // The immediate is DAIF's bits: D 8, A 4, I 2, F 1.
        return {IC::kMsrDaifImmediate, kBlockWritesDaif | ((crm & 3) != 0 ? kBlockUnmasksInterrupts : 0u)};
      }
      if (field == 0x05) return {IC::kMsrSpsel};
    }
    return {IC::kMsr};
  }
  // op0 == 1: sys / sysl (tlbi, dc, ic, at)
  if (read) return {IC::kMrs};  // sysl
  if (crn == 8 || crn == 9) {
    // TLBI (CRn 9: the ARMv8.7 nXS forms): CRm 1 (outer shareable), 2 and 5
    // (range, inner/outer shareable) and 3 (inner shareable) reach every core
    // of the domain.
    const bool broadcast = crm == 1 || crm == 2 || crm == 3 || crm == 5;
    return {broadcast ? IC::kTlbiBroadcast : IC::kTlbiLocal, kBlockChangesMmu};
  }
  if (crn == 7) {
    if (crm == 1 || (crm == 5 && op1 == 0)) return {IC::kIcInvalidateAll};  // ic ialluis / iallu
    if (crm == 5) return {IC::kIcInvalidateVa};                             // ic ivau
    if (crm == 4 && op1 == 3) return {IC::kDcZva};                          // dc zva (gva, gzva)
    if (crm == 6 || (crm >= 10 && crm <= 14)) return {IC::kDcMaintenance};
  }
  return {IC::kMsr};  // at and the other system operations
}

// Load/store pair (opc 101 V 0xx L): opc names the registers' width.
IC pair_class(std::uint32_t w, bool load) {
  const unsigned opc = w >> 30;
  const bool simd = (w >> 26) & 1;
  if (load) {
    if (simd ? opc == 2 : opc == 1) return IC::kLoadPairWide;  // Q registers; ldpsw
    return IC::kLoadPair;
  }
  if (simd) return opc == 0 ? IC::kStorePair32 : opc == 1 ? IC::kStorePair64 : IC::kStorePair128;
  return opc == 0 ? IC::kStorePair32 : IC::kStorePair64;
}

Classified classify(const cs_insn& insn, std::uint32_t w) {
  const bool x_form = (w >> 31) & 1;  // sf: data-processing register instructions
  switch (insn.id) {
    case ARM64_INS_B: case ARM64_INS_BR: case ARM64_INS_RET: case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
    case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
      return {IC::kBranch};
    case ARM64_INS_BL: case ARM64_INS_BLR:
      return {IC::kBranchLink};
    case ARM64_INS_LDR: case ARM64_INS_LDRB: case ARM64_INS_LDRH: case ARM64_INS_LDRSB: case ARM64_INS_LDRSH:
    case ARM64_INS_LDRSW: case ARM64_INS_LDUR: case ARM64_INS_LDURB: case ARM64_INS_LDURH: case ARM64_INS_LDURSB:
    case ARM64_INS_LDURSH: case ARM64_INS_LDURSW: case ARM64_INS_LDTR: case ARM64_INS_LDTRB: case ARM64_INS_LDTRH:
    case ARM64_INS_LDTRSB: case ARM64_INS_LDTRSH: case ARM64_INS_LDTRSW:
      return {IC::kLoad};
    case ARM64_INS_STR: case ARM64_INS_STRB: case ARM64_INS_STRH: case ARM64_INS_STUR: case ARM64_INS_STURB:
    case ARM64_INS_STURH: case ARM64_INS_STTR: case ARM64_INS_STTRB: case ARM64_INS_STTRH:
      return {IC::kStore};
    case ARM64_INS_LDP: case ARM64_INS_LDNP: case ARM64_INS_LDPSW:
      return {pair_class(w, true)};
    case ARM64_INS_STP: case ARM64_INS_STNP:
      return {pair_class(w, false)};
    case ARM64_INS_LDXR: case ARM64_INS_LDXRB: case ARM64_INS_LDXRH: case ARM64_INS_LDXP:
      return {IC::kLoadExclusive};
    case ARM64_INS_STXR: case ARM64_INS_STXRB: case ARM64_INS_STXRH: case ARM64_INS_STXP:
      return {IC::kStoreExclusive};
    case ARM64_INS_LDAXR: case ARM64_INS_LDAXRB: case ARM64_INS_LDAXRH: case ARM64_INS_LDAXP:
      return {IC::kLoadAcquireExclusive};
    case ARM64_INS_STLXR: case ARM64_INS_STLXRB: case ARM64_INS_STLXRH: case ARM64_INS_STLXP:
      return {IC::kStoreReleaseExclusive};
    case ARM64_INS_LDAR: case ARM64_INS_LDARB: case ARM64_INS_LDARH:
      return {IC::kLoadAcquire};
    case ARM64_INS_STLR: case ARM64_INS_STLRB: case ARM64_INS_STLRH:
      return {IC::kStoreRelease};
    case ARM64_INS_MUL: case ARM64_INS_MADD: case ARM64_INS_MSUB: case ARM64_INS_MNEG:
      return {x_form ? IC::kMultiply64 : IC::kMultiply32};
    case ARM64_INS_SMULL: case ARM64_INS_UMULL: case ARM64_INS_SMADDL: case ARM64_INS_UMADDL: case ARM64_INS_SMSUBL:
    case ARM64_INS_UMSUBL: case ARM64_INS_SMNEGL: case ARM64_INS_UMNEGL:
      return {IC::kMultiplyLong};
    case ARM64_INS_SMULH: case ARM64_INS_UMULH:
      return {IC::kMultiplyHigh};
    case ARM64_INS_SDIV: case ARM64_INS_UDIV:
      return {x_form ? IC::kDivide64 : IC::kDivide32};
    case ARM64_INS_DMB: return {IC::kDmb};
    case ARM64_INS_DSB: return {IC::kDsb};
    case ARM64_INS_ISB: return {IC::kIsb};
    case ARM64_INS_ERET: return {IC::kEret, kBlockChangesMmu};
    case ARM64_INS_SVC: case ARM64_INS_HVC: case ARM64_INS_SMC: case ARM64_INS_BRK:
      return {IC::kExceptionGenerating};
    case ARM64_INS_WFI: case ARM64_INS_WFE:
      return {IC::kWait};
    default:
      break;
  }
  // mrs, msr, sys and their aliases (tlbi, dc, ic, at): by the word, since
  // Capstone's ids and operands for them differ between versions.
  // Hints (CRn 2) and barriers (CRn 3) share the space; Capstone names those.
  if ((w & 0xffc00000u) == 0xd5000000u) {
    const unsigned op0 = (w >> 19) & 3, crn = (w >> 12) & 15;
    if (op0 != 0 || crn == 4) return classify_system(w);
  }
  return {IC::kOther};
}

// The instruction-ending flags of a block's last instruction.
std::uint32_t ending_flags(unsigned id) {
  switch (id) {
    case ARM64_INS_ERET: return kBlockEndsWithEret;
    case ARM64_INS_SVC: return kBlockEndsWithSvc;
    case ARM64_INS_WFI: case ARM64_INS_WFE: return kBlockEndsWithWait;
    case ARM64_INS_BRK: return kBlockEndsWithBrk;
    case ARM64_INS_HVC: return kBlockEndsWithHvc;
    case ARM64_INS_SMC: return kBlockEndsWithSmc;
    default: return kBlockNone;
  }
}

std::uint32_t word_at(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

}  // namespace

CostModel::CostModel(CostTable table)
    : table_(std::move(table)), capstone_(std::make_unique<CapstoneHandle>(CS_ARCH_ARM64, CS_MODE_ARM)) {}

CostModel::~CostModel() = default;

BlockCost CostModel::price_block(std::span<const std::uint8_t> code, VirtAddr address) const {
  BlockCost cost;
  if (code.empty()) return cost;
  const csh handle = capstone_->get();
  cs_insn* insn = cs_malloc(handle);
  const std::uint8_t* bytes = code.data();
  std::size_t left = code.size();
  std::uint64_t at = address;
  std::uint32_t ending = kBlockNone;
  while (left > 0) {
    const std::uint64_t offset = at - address;
    cost.instructions += 1;
    cost.last_insn_offset = static_cast<std::uint32_t>(offset);
    ending = kBlockNone;
    cost.exception_immediate = 0;
    // Fewer than four bytes, or udf: the CPU would take an Undefined
    // Instruction exception here; the rest of the block never runs.
    const std::uint32_t w = left >= 4 ? word_at(bytes) : 0;
    if (left < 4 || is_udf(w)) {
      cost.cycles += table_.instruction_cost(IC::kUndefined);
      ending = kBlockEndsWithUndefined;
      break;
    }
    // Checked before Capstone: Capstone 4 decodes neither; a later version
    // names them with ids this file does not list.
    if (is_lse_atomic(w) || is_ldapr(w)) {
      const bool atomic = is_lse_atomic(w);
      cost.cycles += table_.instruction_cost(atomic ? IC::kLseAtomic : IC::kLoadAcquire);
      if (atomic) cost.flags |= kBlockHasLseAtomic;
      bytes += 4;
      left -= 4;
      at += 4;
      continue;
    }
    if (!cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
      cost.cycles += table_.instruction_cost(IC::kUndefined);
      ending = kBlockEndsWithUndefined;
      break;
    }
    // An unallocated encoding in the FP/SIMD space is undefined whatever
    // CPACR_EL1 says: only a decoded instruction is FP/SIMD.
    if (is_fp_simd(w) && !(cost.flags & kBlockUsesFpSimd)) {
      cost.flags |= kBlockUsesFpSimd;
      cost.first_fp_simd_offset = static_cast<std::uint32_t>(offset);
    }
    const Classified c = classify(*insn, w);
    cost.cycles += table_.instruction_cost(c.cls);
    cost.flags |= c.flags;
    ending = ending_flags(insn->id);
    if (c.cls == IC::kExceptionGenerating) cost.exception_immediate = (w >> 5) & 0xffff;
  }
  cs_free(insn, 1);
  cost.flags |= ending;
  return cost;
}

}  // namespace pristine::sim::aarch64
