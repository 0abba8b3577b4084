#include "sim/x86_64/fault_locator.h"

#include <capstone/capstone.h>

#include <cstring>
#include <stdexcept>

namespace pristine::sim {
namespace {

int unicorn_register(x86_reg reg) {
  switch (reg) {
    case X86_REG_RAX: return UC_X86_REG_RAX;
    case X86_REG_RBX: return UC_X86_REG_RBX;
    case X86_REG_RCX: return UC_X86_REG_RCX;
    case X86_REG_RDX: return UC_X86_REG_RDX;
    case X86_REG_RSI: return UC_X86_REG_RSI;
    case X86_REG_RDI: return UC_X86_REG_RDI;
    case X86_REG_RBP: return UC_X86_REG_RBP;
    case X86_REG_RSP: return UC_X86_REG_RSP;
    case X86_REG_R8: return UC_X86_REG_R8;
    case X86_REG_R9: return UC_X86_REG_R9;
    case X86_REG_R10: return UC_X86_REG_R10;
    case X86_REG_R11: return UC_X86_REG_R11;
    case X86_REG_R12: return UC_X86_REG_R12;
    case X86_REG_R13: return UC_X86_REG_R13;
    case X86_REG_R14: return UC_X86_REG_R14;
    case X86_REG_R15: return UC_X86_REG_R15;
    default: return 0;
  }
}

// Whether [start, start + size) and [address, address + span) overlap
// (without wrapping at the top of the address space).
bool overlaps(std::uint64_t start, std::uint64_t size, VirtAddr address, std::uint64_t span) {
  return start <= address ? address - start < size : start - address < span;
}

std::optional<std::uint64_t> effective_address(const FaultLocator::InstructionPlace& insn, const cs_x86_op& op,
                                               const GuestCpu& cpu) {
  std::uint64_t ea = static_cast<std::uint64_t>(op.mem.disp);
  if (op.mem.base == X86_REG_RIP) {
    ea += insn.address + insn.size;
  } else if (op.mem.base != X86_REG_INVALID) {
    const int reg = unicorn_register(static_cast<x86_reg>(op.mem.base));
    if (reg == 0) return std::nullopt;
    ea += cpu.reg(reg);
  }
  if (op.mem.index != X86_REG_INVALID) {
    const int reg = unicorn_register(static_cast<x86_reg>(op.mem.index));
    if (reg == 0) return std::nullopt;
    ea += cpu.reg(reg) * static_cast<std::uint64_t>(op.mem.scale);
  }
  return ea;
}

}  // namespace

std::optional<VirtAddr> FaultLocator::operand_address(std::span<const std::uint8_t> code, VirtAddr address,
                                                      const GuestCpu& cpu) const {
  // The hooks ask about the same few instructions again and again (an
  // invlpg runs thousands of times a millisecond): decoded once, kept with
  // its bytes, which must still be there.
  auto kept = operands_.find(address);
  if (kept == operands_.end() || kept->second.size > code.size() ||
      std::memcmp(kept->second.bytes.data(), code.data(), kept->second.size) != 0) {
    kept = operands_.insert_or_assign(address, decode_operand(code, address)).first;
  }
  const DecodedOperand& d = kept->second;
  if (!d.has_memory) return std::nullopt;
  return effective_address(d.instruction, d.operand, cpu);
}

FaultLocator::DecodedOperand FaultLocator::decode_operand(std::span<const std::uint8_t> code, VirtAddr address) const {
  const csh handle = capstone_.get();
  cs_insn* insn = cs_malloc(handle);
  const std::uint8_t* bytes = code.data();
  std::size_t left = code.size();
  std::uint64_t at = address;
  DecodedOperand d{};
  if (cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
    d.size = insn->size;
    std::memcpy(d.bytes.data(), code.data(), insn->size);
    d.instruction = {insn->address, insn->size};
    const cs_x86& x86 = insn->detail->x86;
    for (int i = 0; i < x86.op_count && !d.has_memory; ++i) {
      if (x86.operands[i].type == X86_OP_MEM) {
        d.operand = x86.operands[i];
        d.has_memory = true;
      }
    }
  }
  cs_free(insn, 1);
  return d;
}

std::optional<FaultLocator::Located> FaultLocator::locate(std::span<const std::uint8_t> code,
                                                          VirtAddr block_start, VirtAddr address,
                                                          std::uint64_t span, const GuestCpu& cpu) const {
  const csh handle = capstone_.get();
  cs_insn* insn = cs_malloc(handle);
  const std::uint8_t* bytes = code.data();
  std::size_t left = code.size();
  std::uint64_t at = block_start;
  std::optional<Located> found;
  const std::uint64_t rsp = cpu.reg(UC_X86_REG_RSP);
  // An access [start, start + size) that reaches the bad range: where it does.
  const auto hit = [&](std::uint64_t start, std::uint64_t size) -> std::optional<Located> {
    if (!overlaps(start, size, address, span)) return std::nullopt;
    return Located{insn->address, start > address ? start : address};
  };
  while (!found && left > 0 && cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
    // lea computes an address and touches nothing (nop with a memory operand neither).
    if (insn->id == X86_INS_LEA || insn->id == X86_INS_NOP) continue;
    const cs_x86& x86 = insn->detail->x86;
    for (int i = 0; i < x86.op_count && !found; ++i) {
      const cs_x86_op& op = x86.operands[i];
      if (op.type != X86_OP_MEM) continue;
      const auto ea = effective_address({insn->address, insn->size}, op, cpu);
      if (ea) found = hit(*ea, op.size ? op.size : 1);
    }
    switch (insn->id) {
      case X86_INS_PUSH: case X86_INS_CALL: case X86_INS_PUSHFQ:
        if (!found) found = hit(rsp - 8, 8);
        break;
      case X86_INS_POP: case X86_INS_RET: case X86_INS_POPFQ:
        if (!found) found = hit(rsp, 8);
        break;
      default:
        break;
    }
  }
  cs_free(insn, 1);
  return found;
}

}  // namespace pristine::sim
