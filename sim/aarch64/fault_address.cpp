#include "sim/aarch64/fault_address.h"

#include <capstone/capstone.h>

namespace pristine::sim::aarch64 {
namespace {

constexpr std::uint64_t kPageSize = 4096;

// Capstone's register to Unicorn's, and whether it is a 32-bit view.
struct EngineRegister {
  int id;
  bool w;
};

std::optional<EngineRegister> engine_register(unsigned reg) {
  if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) return EngineRegister{UC_ARM64_REG_X0 + int(reg - ARM64_REG_X0), false};
  if (reg == ARM64_REG_X29) return EngineRegister{UC_ARM64_REG_X29, false};
  if (reg == ARM64_REG_X30) return EngineRegister{UC_ARM64_REG_X30, false};
  if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) {
    const unsigned n = reg - ARM64_REG_W0;
    const int x = n <= 28 ? UC_ARM64_REG_X0 + int(n) : (n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30);
    return EngineRegister{x, true};
  }
  if (reg == ARM64_REG_SP || reg == ARM64_REG_WSP) return EngineRegister{UC_ARM64_REG_SP, reg == ARM64_REG_WSP};
  return std::nullopt;
}

std::optional<std::uint64_t> value_of(unsigned reg, const GuestCpu& cpu) {
  if (reg == ARM64_REG_XZR || reg == ARM64_REG_WZR) return 0;
  const std::optional<EngineRegister> r = engine_register(reg);
  if (!r) return std::nullopt;
  const std::uint64_t v = cpu.reg(r->id);
  return r->w ? (v & 0xffffffff) : v;
}

// An index register's contribution: extended (UXTW/SXTW/...) then shifted left.
std::uint64_t extend(std::uint64_t value, arm64_extender ext, unsigned shift) {
  switch (ext) {
    case ARM64_EXT_UXTW: value &= 0xffffffff; break;
    case ARM64_EXT_SXTW: value = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(value))); break;
    default: break;  // UXTX/SXTX/LSL: the whole register
  }
  return value << shift;
}

}  // namespace

FaultAddress::FaultAddress() : capstone_(CS_ARCH_ARM64, CS_MODE_ARM) {}

std::optional<VirtAddr> FaultAddress::locate(std::span<const std::uint8_t> instruction, VirtAddr pc,
                                             VirtAddr refused_page, const GuestCpu& cpu) const {
  const std::optional<VirtAddr> address = effective_address(instruction, pc, cpu);
  if (!address) return std::nullopt;
  // Started in the page before: the part in the refused page faulted.
  if (*address < refused_page && refused_page - *address < kPageSize) return refused_page;
  // Anything else outside the refused page is a decode this does not know:
  // no address rather than a wrong one.
  if ((*address & ~(kPageSize - 1)) != refused_page) return std::nullopt;
  return address;
}

std::optional<VirtAddr> FaultAddress::effective_address(std::span<const std::uint8_t> instruction, VirtAddr pc,
                                                        const GuestCpu& cpu) const {
  cs_insn* insn = nullptr;
  const std::size_t n = cs_disasm(capstone_.get(), instruction.data(), instruction.size(), pc, 1, &insn);
  if (n == 0) return std::nullopt;
  std::optional<VirtAddr> address;
  const cs_arm64& a = insn->detail->arm64;
  for (std::uint8_t i = 0; i < a.op_count && !address; ++i) {
    const cs_arm64_op& op = a.operands[i];
    if (op.type != ARM64_OP_MEM) continue;
    const std::optional<std::uint64_t> base = value_of(op.mem.base, cpu);
    if (!base) break;
    std::uint64_t at = *base + static_cast<std::int64_t>(op.mem.disp);
    if (op.mem.index != ARM64_REG_INVALID) {
      const std::optional<std::uint64_t> index = value_of(op.mem.index, cpu);
      if (!index) break;
      at += extend(*index, op.ext, op.shift.type == ARM64_SFT_LSL ? op.shift.value : 0);
    }
    address = at;
  }
  cs_free(insn, n);
  return address;
}

}  // namespace pristine::sim::aarch64
