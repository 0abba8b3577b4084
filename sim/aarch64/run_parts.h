// AArch64's parts of the run loop (sim/simulator.h, sim/aarch64/run_steps.cpp;
// the x86-64 twin is sim/x86_64/run_parts.h): the data abort's address
// from the faulting instruction (a refused TLB fill knows only the page),
// the `tlbi` hooks the TLB model sees, and the system-call convention.
#pragma once

#include "sim/aarch64/delivery.h"
#include "sim/aarch64/fault_address.h"
#include "sim/aarch64/tlbi_hooks.h"
#include "sim/aarch64/user_context.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct ArchParts {
  ArchParts(const GuestImage& image, GuestMemory& memory)
      : tlbi_hooks(memory, find_instructions(image, TlbiHooks::matches)) {}
  aarch64::FaultAddress fault_address;
  TlbiHooks tlbi_hooks;
};

// The system-call convention (docs/syscalls.md): the number in x8, the
// first argument and the result in x0, a failure returned with PSTATE.C set.
inline std::uint64_t syscall_number(const aarch64::GuestCpu& cpu) { return cpu.reg(UC_ARM64_REG_X8); }
inline std::uint64_t syscall_argument(const aarch64::GuestCpu& cpu) { return cpu.reg(UC_ARM64_REG_X0); }
inline bool syscall_failed(const aarch64::GuestCpu& cpu) { return (cpu.pstate() & (1u << 29)) != 0; }

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
