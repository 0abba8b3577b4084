#include "sim/aarch64/user_context.h"

#include <fmt/format.h>

#include "core/syscall/syscall.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

constexpr std::uint64_t kCheckedFlags = 0xf00003c0;  // NZCV (31:28), DAIF (9:6)
constexpr std::uint64_t kCarry = 1ull << 29;          // a system call's failure flag (docs/syscalls.md)
constexpr std::uint64_t kFpenMask = 3ull << 20;      // CPACR_EL1.FPEN: 0b11, EL0 and EL1 may use SIMD

int x_register(int i) { return i < 29 ? UC_ARM64_REG_X0 + i : (i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30); }

}  // namespace

UserContext capture_user_context(const aarch64::GuestCpu& cpu) {
  UserContext u;
  for (int i = 0; i < 31; ++i) u.gpr[i] = cpu.reg(x_register(i));
  // At EL0 the stack pointer is SP_EL0; the engine keeps it as the current
  // SP and writes its SP_EL0 back only on a change of EL.
  u.gpr[31] = cpu.reg(UC_ARM64_REG_SP);
  u.pc = cpu.pc();
  u.flags = cpu.pstate() & kCheckedFlags;
  u.per_cpu_base = cpu.reg(UC_ARM64_REG_TPIDR_EL0);
  if ((cpu.reg(UC_ARM64_REG_CPACR_EL1) & kFpenMask) == kFpenMask) {
    FpuRegisters& f = u.fpu.emplace();
    for (int i = 0; i < 32; ++i) check(uc_reg_read(cpu.uc(), UC_ARM64_REG_Q0 + i, f.q[i].data()), "uc_reg_read(q)");
  }
  return u;
}

std::string user_context_changes(const UserContext& s, const UserContext& now, bool across_syscall) {
  std::string diffs;
  for (int i = 0; i < 32; ++i) {
    if (across_syscall && i == 0) continue;  // x0: the result
    if (now.gpr[i] != s.gpr[i]) {
      diffs += fmt::format(" {} {:#x}->{:#x}", i == 31 ? std::string("sp_el0") : fmt::format("x{}", i), s.gpr[i],
                           now.gpr[i]);
    }
  }
  if (now.pc != s.pc) diffs += fmt::format(" pc {:#x}->{:#x}", s.pc, now.pc);
  // Across a system call C is not the caller's: it says whether the call
  // failed (a result in the error range), as x86-64's CF.
  const std::uint64_t checked = across_syscall ? ~kCarry : ~std::uint64_t{0};
  if ((now.flags ^ s.flags) & checked) diffs += fmt::format(" pstate {:#x}->{:#x}", s.flags, now.flags);
  if (across_syscall) {
    const auto result = static_cast<std::int64_t>(now.gpr[0]);
    const bool failed = result >= kSyscallFirstError && result < 0;
    if (((now.flags & kCarry) != 0) != failed) {
      diffs += fmt::format(" pstate.c {} for the result {:#x}", (now.flags & kCarry) ? 1 : 0, now.gpr[0]);
    }
  }
  if (now.per_cpu_base != s.per_cpu_base) diffs += fmt::format(" tpidr_el0 {:#x}->{:#x}", s.per_cpu_base, now.per_cpu_base);
  return diffs;
}

std::string fpu_changes(const FpuRegisters& s, const FpuRegisters& now) {
  std::string diffs;
  for (int i = 0; i < 32; ++i) {
    if (now.q[i] != s.q[i]) diffs += fmt::format(" q{}", i);
  }
  return diffs;
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
