#include "sim/x86_64/alignment_checks.h"

#include "sim/cost_model.h"
#include "sim/x86_64/fault_locator.h"

namespace pristine::sim {

bool AlignmentChecks::matches(const cs_insn& insn) { return requires_alignment(insn); }

AlignmentChecks::AlignmentChecks(const GuestMemory& memory, std::vector<VirtAddr> sites)
    : hooks_(memory, std::move(sites)) {}

void AlignmentChecks::install(GuestCpu& cpu, std::function<void(VirtAddr)> on_misaligned) {
  hooks_.install(cpu, [on_misaligned](GuestCpu& c, VirtAddr address, std::span<const std::uint8_t> code) {
    static thread_local FaultLocator locator;
    const auto ea = locator.operand_address(code, address, c);
    if (ea && (*ea & 15) != 0) on_misaligned(address);
  });
}

}  // namespace pristine::sim
