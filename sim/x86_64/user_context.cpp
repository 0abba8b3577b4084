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
    if (!(s.cr0 & x86::kCr0TaskSwitched)) u.fpu = FpuRegisters{s.fpu.xmm, s.fpu.st};
    return u;
  }
  // One call for the integer state, one for the FPU's (when it is live).
  constexpr int kIntegerIds[20] = {kGprIds[0],  kGprIds[1],  kGprIds[2],  kGprIds[3],  kGprIds[4],
                                   kGprIds[5],  kGprIds[6],  kGprIds[7],  kGprIds[8],  kGprIds[9],
                                   kGprIds[10], kGprIds[11], kGprIds[12], kGprIds[13], kGprIds[14],
                                   kGprIds[15], UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_GS_BASE,
                                   UC_X86_REG_CR0};
  std::uint64_t cr0 = 0;
  void* const integer_values[20] = {&u.gpr[0],  &u.gpr[1],  &u.gpr[2],  &u.gpr[3],  &u.gpr[4],
                                    &u.gpr[5],  &u.gpr[6],  &u.gpr[7],  &u.gpr[8],  &u.gpr[9],
                                    &u.gpr[10], &u.gpr[11], &u.gpr[12], &u.gpr[13], &u.gpr[14],
                                    &u.gpr[15], &u.pc,      &u.flags,   &u.per_cpu_base, &cr0};
  cpu.read_registers(kIntegerIds, integer_values, 20);
  if (!(cr0 & x86::kCr0TaskSwitched)) {
    FpuRegisters& f = u.fpu.emplace();
    int ids[24];
    void* values[24];
    for (int i = 0; i < 16; ++i) {
      ids[i] = UC_X86_REG_XMM0 + i;
      values[i] = f.xmm[i].data();
    }
    for (int i = 0; i < 8; ++i) {
      ids[16 + i] = UC_X86_REG_ST0 + i;
      values[16 + i] = f.st[i].data();
    }
    cpu.read_registers(ids, values, 24);
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
