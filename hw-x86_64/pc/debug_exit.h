// QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit
// status (v << 1) | 1. A pass is one specific value, so that a triple fault
// (status 0 under -no-reboot) or any other ending never reads as a pass.
#pragma once

#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint8_t kDebugExitPass = 0x10;  // QEMU status 33
inline constexpr int kQemuStatusPass = (kDebugExitPass << 1) | 1;

[[noreturn]] void debug_exit(int kernel_code);

}  // namespace pristine::pc
