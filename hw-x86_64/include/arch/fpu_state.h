// The x86-64 facts behind core/'s FpuState (core/machine.h): core/ includes
// this file as "arch/fpu_state.h", resolved by the build's include path to the
// architecture it is built for (docs/machine-interface.md, "Architecture facts").
#pragma once

#include <cstddef>

namespace pristine::arch {

// fxsave64/fxrstor64 use a 512-byte area (Intel SDM Vol. 1, 10.5.1).
inline constexpr std::size_t kFpuStateSize = 512;
// fxsave needs 16-byte alignment; 64 leaves room for a later switch to xsave,
// whose areas must be 64-aligned (Intel SDM Vol. 1, 13.4).
inline constexpr std::size_t kFpuStateAlignment = 64;

}  // namespace pristine::arch
