// The FP/SIMD state of one task on AArch64 (docs/fpu.md: saved and loaded
// lazily): the 32 128-bit registers V0-V31, then FPCR and FPSR.
#pragma once

#include <cstddef>

namespace pristine::arch {

inline constexpr std::size_t kFpuStateSize = 32 * 16 + 16;  // V0-V31, FPCR, FPSR (padded)
inline constexpr std::size_t kFpuStateAlignment = 16;

}  // namespace pristine::arch
