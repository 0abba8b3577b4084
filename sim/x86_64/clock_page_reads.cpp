#include "sim/x86_64/clock_page_reads.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "hw-sim/board_registers.h"

namespace pristine::sim {
namespace {

bool in_clock_page(std::uint64_t address) {
  return address - sim_board::kClockPageBase < sim_board::kClockPageSize;
}

// A memory operand at an absolute address (no base, index or segment override).
bool absolute(const cs_x86_op& op) {
  return op.type == X86_OP_MEM && op.mem.base == X86_REG_INVALID && op.mem.index == X86_REG_INVALID &&
         op.mem.segment == X86_REG_INVALID;
}

}  // namespace

bool ClockPageReads::matches(const cs_insn& insn) {
  const cs_x86& x86 = insn.detail->x86;
  return insn.id == X86_INS_MOV && x86.op_count == 2 && x86.operands[0].type == X86_OP_REG &&
         absolute(x86.operands[1]) && static_cast<std::uint64_t>(x86.operands[1].mem.disp) == sim_board::kClockPageBase &&
         x86.operands[1].size == 8;
}

bool ClockPageReads::refers_otherwise(const cs_insn& insn) {
  if (matches(insn)) return false;
  const cs_x86& x86 = insn.detail->x86;
  for (int i = 0; i < x86.op_count; ++i) {
    const cs_x86_op& op = x86.operands[i];
    if (op.type == X86_OP_IMM && in_clock_page(static_cast<std::uint64_t>(op.imm))) return true;
    if (op.type == X86_OP_MEM && in_clock_page(static_cast<std::uint64_t>(op.mem.disp))) return true;
  }
  return false;
}

ClockPageReads::ClockPageReads(std::vector<VirtAddr> sites, const std::vector<VirtAddr>& other_references)
    : sites_(std::move(sites)), page_(static_cast<std::uint8_t*>(std::aligned_alloc(4096, sim_board::kClockPageSize))) {
  if (!other_references.empty()) {
    throw ImageError(fmt::format(
        "the instruction at {:#x} refers to the board clock's page ({:#x}) other than by an 8-byte load of its "
        "address: the simulator keeps the page exact only for those (docs/sim-board.md, \"The clock page\")",
        other_references.front(), sim_board::kClockPageBase));
  }
  std::sort(sites_.begin(), sites_.end());
  std::memset(page_.get(), 0, sim_board::kClockPageSize);
}

void ClockPageReads::PageDeleter::operator()(std::uint8_t* p) const { std::free(p); }

std::uint32_t ClockPageReads::reads_in(VirtAddr address, std::uint32_t size) const {
  const auto first = std::lower_bound(sites_.begin(), sites_.end(), address);
  const auto last = std::lower_bound(first, sites_.end(), address + size);
  return static_cast<std::uint32_t>(last - first);
}

}  // namespace pristine::sim
