#include "sim/x86_64/syscall_emulation.h"

#include <algorithm>
#include <cstring>

namespace pristine::sim {

SyscallEmulation::SyscallEmulation() : stub_page_(std::make_unique<std::uint8_t[]>(kStubPageSize)) {
  std::fill_n(stub_page_.get(), kStubPageSize, std::uint8_t{0xF4});  // hlt
  stub_page_[0] = 0x48;  // iretq
  stub_page_[1] = 0xCF;
}

void SyscallEmulation::map_into(GuestCpu& cpu) {
  check(uc_mem_map_ptr(cpu.uc(), kStubPage, kStubPageSize, UC_PROT_ALL, stub_page_.get()), "map stub page");
}

void SyscallEmulation::enter(GuestCpu& cpu) {
  ArchState state = cpu.save_state();
  const std::uint64_t star = cpu.msr(kMsrStar);
  const std::uint64_t sfmask = cpu.msr(kMsrSfmask);
  const auto cs = static_cast<std::uint16_t>((star >> 32) & 0xFFFC);
  state.gpr[2] = state.rip;      // RCX
  state.gpr[11] = state.rflags;  // R11
  const std::uint64_t rflags = (state.rflags & ~sfmask) | 2;
  cpu.enter_ring0(state, cs, static_cast<std::uint16_t>(cs + 8), state.gpr[7], cpu.msr(kMsrLstar), rflags);
}

SysretOutcome SyscallEmulation::sysret(GuestCpu& cpu, const GuestMemory& memory) {
  const VirtAddr rip = cpu.pc();
  const std::uint8_t* code = memory.host(rip, 3);
  if (!code || code[0] != 0x48 || code[1] != 0x0f || code[2] != 0x07 || cpu.cpl() != 0) {
    return SysretOutcome::NotSysret;
  }
  const std::uint64_t target = cpu.reg(UC_X86_REG_RCX);
  if (static_cast<std::uint64_t>(static_cast<std::int64_t>(target << 16) >> 16) != target) {
    return SysretOutcome::NonCanonical;
  }
  const std::uint64_t base = (cpu.msr(kMsrStar) >> 48) & 0xFFFC;
  const std::uint64_t frame[5] = {target, (base + 16) | 3, (cpu.reg(UC_X86_REG_R11) & 0x3C7FD7) | 2,
                                  cpu.reg(UC_X86_REG_RSP), (base + 8) | 3};
  // One frame slot per CPU: another CPU may run before this one's stub does.
  const std::uint64_t slot = kStubFrameOffset + cpu.id() * 64;
  std::memcpy(stub_page_.get() + slot, frame, sizeof frame);
  cpu.set_reg(UC_X86_REG_RSP, kStubPage + slot);
  cpu.set_pc(kStubPage);
  return SysretOutcome::Returned;
}

}  // namespace pristine::sim
