// QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit
// status (v << 1) | 1. A pass is one specific value, so that a triple fault
// (status 0 under -no-reboot) or any other ending never reads as a pass.
#pragma once

#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint8_t kDebugExitPass = 0x10;  // QEMU status 33
inline constexpr int kQemuStatusPass = (kDebugExitPass << 1) | 1;
// A failing kernel code k (1-31) is written as kDebugExitFailBase + k: QEMU
// status 65-127, distinct from QEMU's own error exits (status 1).
inline constexpr std::uint8_t kDebugExitFailBase = 0x20;
constexpr bool is_kernel_failure_status(int status) { return (status & 1) && ((status >> 1) & 0xE0) == kDebugExitFailBase; }
constexpr int kernel_code_of_status(int status) { return (status >> 1) & 0x1F; }

[[noreturn]] void debug_exit(int kernel_code);

}  // namespace pristine::pc
