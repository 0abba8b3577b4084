#include "sim/x86_64/invlpg_hooks.h"

#include "sim/x86_64/fault_locator.h"

namespace pristine::sim {

bool InvlpgHooks::matches(const cs_insn& insn) {
  if (insn.id == X86_INS_INVLPG) return true;
  const cs_x86& x86 = insn.detail->x86;  // mov cr3, reg: a full flush
  return insn.id == X86_INS_MOV && x86.op_count == 2 && x86.operands[0].type == X86_OP_REG &&
         x86.operands[0].reg == X86_REG_CR3;
}

InvlpgHooks::InvlpgHooks(const GuestMemory& memory, std::vector<VirtAddr> sites) : hooks_(memory, std::move(sites)) {}

void InvlpgHooks::install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush) {
  hooks_.install(cpu, [on_flush](GuestCpu& c, VirtAddr address, std::span<const std::uint8_t> code) {
    c.forget_translation();  // the translation GuestCpu kept, as the CPU's TLB entry
    if (code[0] == 0x0F && code[1] == 0x22) {  // mov cr3, reg (0F 22 /r)
      on_flush(kFlushAll);
      return;
    }
    static thread_local FaultLocator locator;
    if (const auto page = locator.operand_address(code, address, c)) on_flush(*page & ~VirtAddr{0xFFF});
  });
}

}  // namespace pristine::sim
