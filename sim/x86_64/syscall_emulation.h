// SYSCALL and SYSRETQ (Intel SDM Vol. 2B). Unicorn 2.1 does not execute
// `syscall` (it calls a hook and skips it), so the entry is performed
// host-side. It does execute `sysretq` (EFER.SCE sticks since 2.1), as an AMD
// CPU would: a non-canonical RCX faults in ring 3. An Intel CPU raises #GP in
// ring 0, still on the user's stack (the classic sysret hole), so a hook on
// every sysretq of the image checks RCX right before it runs.
#pragma once

#include <cstdint>
#include <functional>

#include "sim/instruction_hooks.h"
#include "sim/x86_64/guest_cpu.h"

namespace pristine::sim {

class SyscallEmulation {
 public:
  // The instructions it hooks (find_instructions: sysretq), and their sites.
  static bool matches(const cs_insn& insn);
  SyscallEmulation(const GuestMemory& memory, std::vector<VirtAddr> sysret_sites);

  // `on_non_canonical()` is called (from the hook) when a sysretq in ring 0 is
  // about to return to a non-canonical RCX; it must stop the engine, and the
  // run loop raises #GP(0) at the sysretq.
  void install(GuestCpu& cpu, std::function<void()> on_non_canonical);
  std::size_t sysret_sites() const { return sysret_hooks_.count(); }

  // Whether the guest set up SYSCALL at all (LSTAR); if not, it raises #UD.
  static bool enabled(const GuestCpu& cpu) { return cpu.msr(kMsrLstar) != 0; }
  // The system call number the guest passes (RAX).
  static std::uint64_t number(const GuestCpu& cpu) { return cpu.reg(UC_X86_REG_RAX); }
  // Its first argument (RDI).
  static std::uint64_t first_argument(const GuestCpu& cpu) { return cpu.reg(UC_X86_REG_RDI); }
  // Back in ring 3: whether the call failed (CF, docs/syscalls.md).
  static bool error_flag(const GuestCpu& cpu) { return (cpu.reg(UC_X86_REG_RFLAGS) & 1) != 0; }
  // RCX <- RIP of the next instruction, R11 <- RFLAGS, RFLAGS &= ~SFMASK,
  // CS/SS from STAR[47:32], RIP <- LSTAR, CPL 0; RSP unchanged.
  static void enter(GuestCpu& cpu);

 private:
  InstructionHooks sysret_hooks_;
};

}  // namespace pristine::sim
