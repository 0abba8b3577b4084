#include "sim/x86_64/syscall_emulation.h"

namespace pristine::sim {
namespace {

bool canonical(std::uint64_t address) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(address << 16) >> 16) == address;
}

}  // namespace

bool SyscallEmulation::matches(const cs_insn& insn) { return insn.id == X86_INS_SYSRET; }

SyscallEmulation::SyscallEmulation(const GuestMemory& memory, std::vector<VirtAddr> sysret_sites)
    : sysret_hooks_(memory, std::move(sysret_sites)) {}

void SyscallEmulation::install(GuestCpu& cpu, std::function<void()> on_non_canonical) {
  sysret_hooks_.install(cpu, [on_non_canonical](GuestCpu& c, VirtAddr, std::span<const std::uint8_t>) {
    if (c.cpl() == 0 && !canonical(c.reg(UC_X86_REG_RCX))) on_non_canonical();
  });
}

void SyscallEmulation::enter(GuestCpu& cpu) {
  ArchState state = cpu.save_state();
  const std::uint64_t star = cpu.msr(kMsrStar);
  const std::uint64_t sfmask = cpu.msr(kMsrSfmask);
  const auto cs = static_cast<std::uint16_t>((star >> 32) & 0xFFFC);
  state.gpr[2] = state.rip;      // RCX
  state.gpr[11] = state.rflags;  // R11
  const std::uint64_t rflags = (state.rflags & ~sfmask) | 2;
  cpu.enter_ring0(state, cs, static_cast<std::uint16_t>(cs + 8), state.gpr[7], cpu.msr(kMsrLstar), rflags,
                  /*with_fault_address=*/false);
}

}  // namespace pristine::sim
