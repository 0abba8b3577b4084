#include "sim/tlb_model.h"

#include "sim/cost_model.h"
#include "sim/fault_locator.h"
#include "sim/instruction_sweep.h"

namespace pristine::sim {

struct InvlpgHooks::Hook {
  InvlpgHooks* hooks;
  GuestCpu* cpu;
  std::function<void(VirtAddr)> on_flush;
};

InvlpgHooks::InvlpgHooks(const GuestImage& image, const GuestMemory& memory)
    : memory_(memory), sites_(find_instructions(image, [](const cs_insn& insn) {
        if (insn.id == X86_INS_INVLPG) return true;
        const cs_x86& x86 = insn.detail->x86;  // mov cr3, reg: a full flush
        return insn.id == X86_INS_MOV && x86.op_count == 2 && x86.operands[0].type == X86_OP_REG &&
               x86.operands[0].reg == X86_REG_CR3;
      })) {}

InvlpgHooks::~InvlpgHooks() = default;

void InvlpgHooks::install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush) {
  auto callback = [](uc_engine*, std::uint64_t address, std::uint32_t, void* user) {
    auto* hook = static_cast<Hook*>(user);
    const std::uint8_t* code = hook->hooks->memory_.host(address, 16);
    if (!code) return;
    if (code[0] == 0x0F && code[1] == 0x22) {  // mov cr3, reg (0F 22 /r with reg field 3)
      hook->on_flush(kFlushAll);
      return;
    }
    static thread_local FaultLocator locator;
    if (const auto page = locator.operand_address({code, 16}, address, *hook->cpu)) {
      hook->on_flush(*page & ~VirtAddr{0xFFF});
    }
  };
  for (const VirtAddr site : sites_) {
    hooks_.push_back(std::make_unique<Hook>(Hook{this, &cpu, on_flush}));
    uc_hook handle;
    check(uc_hook_add(cpu.uc(), &handle, UC_HOOK_CODE, reinterpret_cast<void*>(+callback), hooks_.back().get(),
                      site, site),
          "invlpg hook");
  }
}

}  // namespace pristine::sim
