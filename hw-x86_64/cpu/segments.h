// GDT layout shared by both images. The order of the user segments is fixed by
// SYSRET: it loads SS from STAR[63:48] + 8 and CS from STAR[63:48] + 16
// (Intel SDM Vol. 2B, SYSRET), so user data must sit directly below user code.
#pragma once

#include <cstdint>

namespace pristine::x86 {

inline constexpr std::uint16_t kKernelCode = 0x08;
inline constexpr std::uint16_t kKernelData = 0x10;
inline constexpr std::uint16_t kUserData = 0x18 | 3;
inline constexpr std::uint16_t kUserCode = 0x20 | 3;
inline constexpr std::uint16_t kFirstTss = 0x28;  // one 16-byte descriptor per CPU

// STAR: kernel CS in [47:32], SYSRET base in [63:48] (= kUserData - 8, RPL dropped).
inline constexpr std::uint64_t kStarValue =
    (std::uint64_t{0x10} << 48) | (std::uint64_t{kKernelCode} << 32);

constexpr std::uint16_t tss_selector(std::uint32_t cpu) {
  return static_cast<std::uint16_t>(kFirstTss + 16 * cpu);
}

}  // namespace pristine::x86
