// What a ring-3 task must get back unchanged when the kernel resumes it
// (sim/context_checker.h judges it): the 16 general registers, RIP, the
// arithmetic flags, DF and IF, the user's GS base, and its FPU registers
// (XMM0-15, ST0-7). The FPU state follows a task lazily (docs/fpu.md): with
// CR0.TS set the registers are not the task's yet, so they are compared only
// when the task has them loaded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/x86_64/guest_cpu.h"

namespace pristine::sim {

struct FpuRegisters {
  std::array<std::array<std::uint8_t, 16>, 16> xmm{};
  std::array<std::array<std::uint8_t, 10>, 8> st{};
  bool operator==(const FpuRegisters&) const = default;
};

struct UserContext {
  std::array<std::uint64_t, 16> gpr{};
  std::uint64_t pc = 0, flags = 0, per_cpu_base = 0;
  std::optional<FpuRegisters> fpu;  // none while CR0.TS traps the next FPU instruction
};

UserContext capture_user_context(const GuestCpu& cpu);

// The changes a return to ring 3 may not make, as " reg old->new" items; ""
// if none. Across a system call RAX (the result), RCX and R11 (SYSCALL's
// own) may change; a GS base in the kernel half is reported on its own.
std::string user_context_changes(const UserContext& before, const UserContext& after, bool across_syscall);
// The same for the FPU registers, as " xmm3 st0" items.
std::string fpu_changes(const FpuRegisters& before, const FpuRegisters& after);

}  // namespace pristine::sim
