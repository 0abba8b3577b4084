// How a kernel under QEMU says pass or fail through QEMU's exit status, the
// same on every board (the PC's isa-debug-exit device, hw-x86_64/pc/debug_exit.h;
// the virt board's semihosting exit, hw-aarch64/virt/machine_board.cpp) and
// read by `pristine boot` (sim/cli/boot_command.cpp). A kernel code k (0 a
// pass, 1-31 a failure) ends QEMU with status (v << 1) | 1, v = 0x10 for a
// pass and 0x20 + k for a failure: a pass is one specific status (33), so a
// reset (status 0 under -no-reboot) or QEMU's own error exit (status 1)
// never reads as one.
#pragma once

#include <cstdint>

namespace pristine::qemu_exit {

inline constexpr std::uint8_t kPassValue = 0x10;
inline constexpr std::uint8_t kFailBase = 0x20;
inline constexpr int kStatusPass = (kPassValue << 1) | 1;

// The value a board hands its exit device for kernel code `code`.
constexpr std::uint8_t value_of_code(int code) {
  return static_cast<std::uint8_t>(code == 0 ? kPassValue : kFailBase + (code & 0x1F));
}
constexpr int status_of_value(std::uint8_t value) { return (value << 1) | 1; }
constexpr bool is_kernel_failure_status(int status) { return (status & 1) && ((status >> 1) & 0xE0) == kFailBase; }
constexpr int kernel_code_of_status(int status) { return (status >> 1) & 0x1F; }

}  // namespace pristine::qemu_exit
