#include "sim/alignment_checks.h"

#include <capstone/capstone.h>

#include <stdexcept>

#include "sim/cost_model.h"
#include "sim/fault_locator.h"
#include "sim/instruction_sweep.h"

namespace pristine::sim {

struct AlignmentChecks::Hook {
  AlignmentChecks* checks;
  GuestCpu* cpu;
  std::function<void(VirtAddr)> on_misaligned;
};

AlignmentChecks::AlignmentChecks(const GuestImage& image, const GuestMemory& memory)
    : memory_(memory), sites_(find_instructions(image, requires_alignment)) {}

AlignmentChecks::~AlignmentChecks() = default;

void AlignmentChecks::install(GuestCpu& cpu, std::function<void(VirtAddr)> on_misaligned) {
  auto callback = [](uc_engine*, std::uint64_t address, std::uint32_t, void* user) {
    auto* hook = static_cast<Hook*>(user);
    const std::uint8_t* code = hook->checks->memory_.host(address, 16);
    if (!code) return;
    static thread_local FaultLocator locator;
    const auto ea = locator.operand_address({code, 16}, address, *hook->cpu);
    if (ea && (*ea & 15) != 0) hook->on_misaligned(address);
  };
  for (const VirtAddr site : sites_) {
    hooks_.push_back(std::make_unique<Hook>(Hook{this, &cpu, on_misaligned}));
    uc_hook handle;
    check(uc_hook_add(cpu.uc(), &handle, UC_HOOK_CODE, reinterpret_cast<void*>(+callback), hooks_.back().get(),
                      site, site),
          "alignment hook");
  }
}

}  // namespace pristine::sim
