// Privileged Access Never (FEAT_PAN, Armv8.1; Arm ARM D8.4.2): with
// PSTATE.PAN set, an EL1 load or store to a page EL0 may access is a
// permission fault, so only the user-copy routines (cpu/user_copy.S, which
// clear it for their copy) touch EL0 memory; a stray kernel access to it
// faults (a kernel exception) instead of reading what a task put there.
// QEMU's cortex-a57 (Armv8.0) has no PAN; the cortex-a76 pristine boot
// gives QEMU does (docs/aarch64.md).
#pragma once

#include <cstdint>

// Non-zero if this CPU has FEAT_PAN and the kernel runs with it (read by
// cpu/user_copy.S, which toggles PAN only then).
extern "C" std::uint32_t pristine_aarch64_pan;

namespace pristine::aarch64 {

// PSTATE.PAN bit in SPSR_EL1 (and in the PAN register's value).
inline constexpr std::uint64_t kSpsrPan = 1ull << 22;

// On each CPU at boot, before it runs a task: if the CPU has FEAT_PAN
// (ID_AA64MMFR1_EL1.PAN non-zero), SCTLR_EL1.SPAN cleared, so every
// exception taken to EL1 sets PSTATE.PAN, and PSTATE.PAN set now.
void pan_enable_on_this_cpu();

// What a new EL1 context's SPSR needs so that it runs with PAN too.
inline std::uint64_t pan_bits_for_kernel_context() { return pristine_aarch64_pan != 0 ? kSpsrPan : 0; }

}  // namespace pristine::aarch64
