// What an EL0 task must get back unchanged when the kernel resumes it
// (sim/context_checker.h judges it; the x86-64 twin is
// sim/x86_64/user_context.h): x0-x30, SP_EL0, the PC, the flags (NZCV) and
// the interrupt mask, TPIDR_EL0, and its SIMD registers (q0-q31). The
// SIMD state follows a task lazily (docs/fpu.md): while CPACR_EL1.FPEN traps
// EL0's use the registers are not the task's yet, so they are compared only
// when EL0 may use them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/aarch64/guest_cpu.h"
#include "sim/guest_arch.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct FpuRegisters {
  std::array<std::array<std::uint8_t, 16>, 32> q{};
  bool operator==(const FpuRegisters&) const = default;
};

struct UserContext {
  std::array<std::uint64_t, 32> gpr{};  // x0-x30, then SP_EL0
  std::uint64_t pc = 0, flags = 0, per_cpu_base = 0;  // flags: NZCV and DAIF; per_cpu_base: TPIDR_EL0
  std::optional<FpuRegisters> fpu;  // none while CPACR_EL1 traps EL0's SIMD use
};

UserContext capture_user_context(const aarch64::GuestCpu& cpu);

// The changes a return to EL0 may not make, as " reg old->new" items; "" if
// none. Across a system call x0 (the result) may change.
std::string user_context_changes(const UserContext& before, const UserContext& after, bool across_syscall);
// The same for the SIMD registers, as " q3 q7" items.
std::string fpu_changes(const FpuRegisters& before, const FpuRegisters& after);

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
