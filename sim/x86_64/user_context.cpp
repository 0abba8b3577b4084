#include "sim/x86_64/user_context.h"

#include <fmt/format.h>

#include "core/syscall/syscall.h"

namespace pristine::sim {
namespace {

// Flags a return must restore: CF PF AF ZF SF DF OF and IF.
constexpr std::uint64_t kCheckedFlags = 0x8D5 | (1u << 9) | (1u << 10);

}  // namespace

UserContext capture_user_context(const GuestCpu& cpu) {
  UserContext u;
  // At a stop (an exit from ring 3) the entry saves the whole state anyway:
  // read it once. Inside a run (a return to ring 3) read only what is checked.
  if (!cpu.running()) {
    const ArchState& s = cpu.state();
    u.gpr = s.gpr;
    u.pc = s.rip;
    u.flags = s.rflags;
    u.per_cpu_base = s.gs_base;
    if (!(s.cr0 & x86::kCr0TaskSwitched)) u.fpu = FpuRegisters{s.xmm, s.st};
    return u;
  }
  for (int i = 0; i < 16; ++i) u.gpr[i] = cpu.reg(kGprIds[i]);
  u.pc = cpu.pc();
  u.flags = cpu.reg(UC_X86_REG_RFLAGS);
  u.per_cpu_base = cpu.per_cpu_base();
  if (!(cpu.reg(UC_X86_REG_CR0) & x86::kCr0TaskSwitched)) {
    FpuRegisters& f = u.fpu.emplace();
    for (int i = 0; i < 16; ++i) check(uc_reg_read(cpu.uc(), UC_X86_REG_XMM0 + i, f.xmm[i].data()), "xmm");
    for (int i = 0; i < 8; ++i) check(uc_reg_read(cpu.uc(), UC_X86_REG_ST0 + i, f.st[i].data()), "st");
  }
  return u;
}

std::string user_context_changes(const UserContext& s, const UserContext& now, bool across_syscall) {
  std::string diffs;
  for (int i = 0; i < 16; ++i) {
    if (across_syscall && (i == 0 || i == 2 || i == 11)) continue;  // RAX result; RCX, R11 clobbered by SYSCALL
    if (now.gpr[i] != s.gpr[i]) diffs += fmt::format(" {} {:#x}->{:#x}", kGprNames[i], s.gpr[i], now.gpr[i]);
  }
  if (now.pc != s.pc) diffs += fmt::format(" rip {:#x}->{:#x}", s.pc, now.pc);
  // Across a system call CF is not the caller's: it says whether the call
  // failed (a result in the error range, docs/syscalls.md).
  const std::uint64_t checked = across_syscall ? kCheckedFlags & ~x86::kRflagsCarry : kCheckedFlags;
  if ((now.flags ^ s.flags) & checked) diffs += fmt::format(" rflags {:#x}->{:#x}", s.flags, now.flags);
  if (across_syscall) {
    const bool failed = static_cast<std::int64_t>(now.gpr[0]) >= kSyscallFirstError &&
                        static_cast<std::int64_t>(now.gpr[0]) < 0;
    if (((now.flags & x86::kRflagsCarry) != 0) != failed) {
      diffs += fmt::format(" rflags.cf {} for the result {:#x}", (now.flags & x86::kRflagsCarry) ? 1 : 0, now.gpr[0]);
    }
  }
  if (now.per_cpu_base != s.per_cpu_base && !is_kernel_address(now.per_cpu_base)) {
    diffs += fmt::format(" gs_base {:#x}->{:#x}", s.per_cpu_base, now.per_cpu_base);
  }
  return diffs;
}

std::string fpu_changes(const FpuRegisters& s, const FpuRegisters& now) {
  std::string diffs;
  for (int i = 0; i < 16; ++i) {
    if (now.xmm[i] != s.xmm[i]) diffs += fmt::format(" xmm{}", i);
  }
  for (int i = 0; i < 8; ++i) {
    if (now.st[i] != s.st[i]) diffs += fmt::format(" st{}", i);
  }
  return diffs;
}

}  // namespace pristine::sim
