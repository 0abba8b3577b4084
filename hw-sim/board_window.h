// Where the kernel reaches the simulated board's pages (board_registers.h)
// on each architecture: on x86-64 at fixed addresses in the kernel's top
// 2 GiB; on AArch64 through the kernel's linear map of the board's physical
// block. The one place the board's C++ (machine_sim.cpp, the boards' entry
// code) asks which.
#pragma once

#include <cstdint>

#include "hw-sim/board_registers.h"

#if defined(__aarch64__)
#include "hw-aarch64/cpu/kernel_layout.h"
#endif

namespace pristine::sim_board {

#if defined(__aarch64__)
inline constexpr std::uint64_t kRegisters = pristine::aarch64::kKernelOffset + aarch64::kPhysicalBase;
inline constexpr std::uint64_t kUartRegisters = pristine::aarch64::kKernelOffset + aarch64::kUartPhysicalBase;
inline constexpr std::uint64_t kNicRegisters = pristine::aarch64::kKernelOffset + aarch64::kNicPhysicalBase;
#else
inline constexpr std::uint64_t kRegisters = kBase;
inline constexpr std::uint64_t kUartRegisters = kUartBase;
inline constexpr std::uint64_t kNicRegisters = kNicBase;
#endif

inline volatile std::uint64_t& reg(Register r) { return *reinterpret_cast<volatile std::uint64_t*>(kRegisters + r); }

// The low half of a register, for the hot ones whose values fit in 32 bits
// (EOI, a device's acknowledge, an IPI, the interrupt acknowledge): the
// board's window takes one 4-byte access per access, and an 8-byte one
// comes as two halves (docs/sim-board.md), each a trip through the engine's
// device path.
inline volatile std::uint32_t& reg32(Register r) { return *reinterpret_cast<volatile std::uint32_t*>(kRegisters + r); }

// The board clock's word (board_registers.h): on x86-64 in the clock page,
// on AArch64 the kClock register (an AArch64 load names its address in a
// register, so no sweep of the image could find its reads).
inline const volatile std::uint64_t& clock_word() {
#if defined(__aarch64__)
  return reg(kClock);
#else
  return *reinterpret_cast<const volatile std::uint64_t*>(kClockPageBase);
#endif
}

}  // namespace pristine::sim_board
