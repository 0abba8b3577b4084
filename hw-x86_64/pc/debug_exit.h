// QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit
// status (v << 1) | 1. The values and what the statuses mean are the same on
// every board: core/qemu_exit_status.h.
#pragma once

#include <cstdint>

#include "core/qemu_exit_status.h"

namespace pristine::pc {

inline constexpr std::uint8_t kDebugExitPass = qemu_exit::kPassValue;  // QEMU status 33
inline constexpr int kQemuStatusPass = qemu_exit::kStatusPass;
inline constexpr std::uint8_t kDebugExitFailBase = qemu_exit::kFailBase;
constexpr bool is_kernel_failure_status(int status) { return qemu_exit::is_kernel_failure_status(status); }
constexpr int kernel_code_of_status(int status) { return qemu_exit::kernel_code_of_status(status); }

[[noreturn]] void debug_exit(int kernel_code);

}  // namespace pristine::pc
