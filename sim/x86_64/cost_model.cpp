#include "sim/cost_model.h"

#include <capstone/capstone.h>

#include "sim/capstone_handle.h"

#include <stdexcept>

namespace pristine::sim {
namespace {

bool is_port_io(unsigned id) {
  switch (id) {
    case X86_INS_IN: case X86_INS_OUT: case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
    case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
      return true;
    default:
      return false;
  }
}

// Bytes one iteration of a fast string instruction stores (rep movs / rep
// stos), or 0 for any other instruction.
std::uint32_t fast_string_bytes(unsigned id) {
  switch (id) {
    case X86_INS_MOVSB: case X86_INS_STOSB: return 1;
    case X86_INS_MOVSW: case X86_INS_STOSW: return 2;
    case X86_INS_MOVSD: case X86_INS_STOSD: return 4;
    case X86_INS_MOVSQ: case X86_INS_STOSQ: return 8;
    default: return 0;
  }
}

// Index of the control register an operand names, or -1.
int control_register(const cs_x86_op& op) {
  if (op.type != X86_OP_REG || op.reg < X86_REG_CR0 || op.reg > X86_REG_CR15) return -1;
  return op.reg - X86_REG_CR0;
}

// Instructions after which the MMU may translate differently (kBlockChangesMmu).
bool changes_mmu(const cs_insn& insn) {
  switch (insn.id) {
    case X86_INS_WRMSR: case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ: case X86_INS_SYSRET:
    case X86_INS_SYSEXIT: case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_RETF: case X86_INS_RETFQ:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RSM:
      return true;
    case X86_INS_MOV: {
      const cs_x86& x86 = insn.detail->x86;
      return x86.op_count == 2 && control_register(x86.operands[0]) >= 0;
    }
    default:
      return false;
  }
}

// Instructions that may change the x87 and SSE registers while CR0.TS is
// set (kBlockMayChangeFpu).
bool may_change_fpu(const cs_insn& insn) {
  switch (insn.id) {
    case X86_INS_CLTS: case X86_INS_LMSW:
    case X86_INS_XRSTOR: case X86_INS_XRSTOR64: case X86_INS_XRSTORS: case X86_INS_XRSTORS64:
      return true;
    case X86_INS_MOV: {
      const cs_x86& x86 = insn.detail->x86;
      return x86.op_count > 0 && control_register(x86.operands[0]) == 0;
    }
    default:
      return false;
  }
}

// Instructions that may write a system register, a descriptor-table
// register, a segment register or base (kBlockChangesSystem), and which of
// those GuestCpu keeps they write (SystemWrites): -1 for none at all.
int system_writes(const cs_insn& insn) {
  switch (insn.id) {
    case X86_INS_WRMSR: case X86_INS_RSM: return kWritesAnySystem;
    case X86_INS_LGDT: return kWritesGdtr;
    case X86_INS_LIDT: return kWritesIdtr;
    case X86_INS_LTR: return kWritesTr;
    case X86_INS_CLTS: case X86_INS_LMSW: return kWritesCr0;
    case X86_INS_SWAPGS: return kWritesGsBase | kWritesKernelGsBase;
    case X86_INS_WRGSBASE: case X86_INS_LGS: return kWritesGsBase;
    case X86_INS_LLDT: case X86_INS_WRFSBASE: case X86_INS_XSETBV: case X86_INS_LFS: case X86_INS_LSS:
      return kWritesNone;
    case X86_INS_MOV: case X86_INS_POP: {
      const cs_x86& x86 = insn.detail->x86;
      if (x86.op_count == 0 || x86.operands[0].type != X86_OP_REG) return -1;
      switch (control_register(x86.operands[0])) {
        case 0: return kWritesCr0 | kWritesEfer;  // paging on in long mode sets EFER.LMA
        case 3: return kWritesCr3;
        case 4: return kWritesCr4;
        case -1: break;
        default: return kWritesNone;  // CR2, CR8
      }
      const x86_reg r = x86.operands[0].reg;
      if (r == X86_REG_GS) return kWritesGsBase;  // a selector load loads the base
      return r == X86_REG_FS || r == X86_REG_DS || r == X86_REG_ES || r == X86_REG_SS ? kWritesNone : -1;
    }
    default:
      return -1;
  }
}

}  // namespace

bool requires_alignment(const cs_insn& insn) {
  switch (insn.id) {
    case X86_INS_MOVDQA: case X86_INS_MOVAPS: case X86_INS_MOVAPD: case X86_INS_MOVNTDQ:
    case X86_INS_MOVNTPS: case X86_INS_MOVNTPD: case X86_INS_MOVNTDQA:
      break;
    default:
      return false;
  }
  const cs_x86& x86 = insn.detail->x86;
  for (int i = 0; i < x86.op_count; ++i) {
    if (x86.operands[i].type == X86_OP_MEM) return true;
  }
  return false;
}

CostModel::CostModel(CostTable table) : table_(std::move(table)), capstone_(std::make_unique<CapstoneHandle>()) {}

CostModel::~CostModel() = default;

BlockCost CostModel::price_block(std::span<const std::uint8_t> code, VirtAddr address) const {
  BlockCost cost;
  if (code.empty()) return cost;
  const csh handle = capstone_->get();
  cs_insn* insn = cs_malloc(handle);
  const std::uint8_t* bytes = code.data();
  std::size_t left = code.size();
  std::uint64_t at = address;
  unsigned last_id = X86_INS_INVALID;
  bool last_sets_ss = false;
  std::uint32_t string_flags = 0;  // the last instruction's kBlockFastString* flags
  while (left > 0) {
    const std::uint64_t offset = at - address;
    if (!cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
      // Undecodable: the rest is one instruction (the CPU would fault on it).
      cost.instructions += 1;
      cost.cycles += 1;
      cost.last_insn_offset = static_cast<std::uint32_t>(offset);
      last_id = X86_INS_INVALID;
      break;
    }
    const cs_x86& x86 = insn->detail->x86;
    const bool lock = x86.prefix[0] == X86_PREFIX_LOCK;
    const bool rep = x86.prefix[0] == X86_PREFIX_REP || x86.prefix[0] == X86_PREFIX_REPNE;
    std::uint32_t cycles = table_.instruction_cost(insn->id, lock, rep);
    if (insn->id == X86_INS_XCHG) {
      // Only xchg with memory is implicitly locked; register-to-register is cheap.
      bool memory = false;
      for (int i = 0; i < x86.op_count; ++i) memory |= x86.operands[i].type == X86_OP_MEM;
      if (!memory) cycles = 2;
    }
    last_sets_ss = false;
    if (insn->id == X86_INS_MOV && x86.op_count == 2) {
      const int dst = control_register(x86.operands[0]);
      const int src = control_register(x86.operands[1]);
      if (dst >= 0) cycles = table_.control_register_cost(static_cast<unsigned>(dst), true);
      if (src >= 0) cycles = table_.control_register_cost(static_cast<unsigned>(src), false);
      last_sets_ss = x86.operands[0].type == X86_OP_REG && x86.operands[0].reg == X86_REG_SS;
    }
    if (insn->id == X86_INS_POP && x86.op_count == 1 && x86.operands[0].type == X86_OP_REG &&
        x86.operands[0].reg == X86_REG_SS) {
      last_sets_ss = true;
    }
    if (x86.prefix[0] == X86_PREFIX_REP && fast_string_bytes(insn->id) != 0) {
      // Priced per iteration as the engine runs it (CostTable::fast_string_cycles).
      cycles = 0;
      cost.fast_string_bytes = static_cast<std::uint16_t>(fast_string_bytes(insn->id));
      // prefix[1]: a segment override; prefix[3]: 32-bit addresses.
      string_flags = x86.prefix[1] == 0 && x86.prefix[3] == 0 ? std::uint32_t{kBlockFastStringPlain} : 0u;
      if (insn->id == X86_INS_MOVSB || insn->id == X86_INS_MOVSW || insn->id == X86_INS_MOVSD ||
          insn->id == X86_INS_MOVSQ) {
        string_flags |= kBlockFastStringMoves;
      }
    } else {
      string_flags = 0;
      cost.fast_string_bytes = 0;
    }
    if (is_port_io(insn->id)) cost.flags |= kBlockHasPortIo;
    if (insn->id == X86_INS_RDTSC || insn->id == X86_INS_RDTSCP) cost.flags |= kBlockHasRdtsc;
    if (insn->id == X86_INS_POPF || insn->id == X86_INS_POPFD || insn->id == X86_INS_POPFQ) cost.flags |= kBlockHasPopf;
    if (changes_mmu(*insn)) cost.flags |= kBlockChangesMmu;
    if (const int writes = system_writes(*insn); writes >= 0) {
      cost.flags |= kBlockChangesSystem;
      cost.system_writes = static_cast<std::uint16_t>(cost.system_writes | writes);
    }
    if (may_change_fpu(*insn)) cost.flags |= kBlockMayChangeFpu;
    cost.instructions += 1;
    cost.cycles += cycles;
    cost.last_insn_offset = static_cast<std::uint32_t>(offset);
    last_id = insn->id;
  }
  cs_free(insn, 1);
  switch (last_id) {
    case X86_INS_IRETQ: cost.flags |= kBlockEndsWithIret; break;
    case X86_INS_STI: cost.flags |= kBlockEndsWithSti; break;
    case X86_INS_HLT: cost.flags |= kBlockEndsWithHlt; break;
    case X86_INS_SYSCALL: cost.flags |= kBlockEndsWithSyscall; break;
    case X86_INS_SYSRET: cost.flags |= kBlockEndsWithSysret; break;
    default: break;
  }
  if (last_sets_ss) cost.flags |= kBlockEndsWithSti;
  if (cost.fast_string_bytes != 0) cost.flags |= kBlockEndsWithFastString | string_flags;  // mov/pop ss: the same one-instruction shadow
  return cost;
}

}  // namespace pristine::sim
