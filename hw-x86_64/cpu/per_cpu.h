// The architecture's per-CPU block, reached through GS in ring 0: the kernel
// GS base points at it, the user's GS base is swapped in (swapgs) while ring 3
// runs. The syscall entry's offsets are generated from this struct
// (asm_offsets.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/types.h"

namespace pristine::x86 {

struct PerCpu {
  PerCpu* self;                 // for taking the block's address
  CpuId cpu;
  std::uint32_t reserved;
  std::uint64_t user_rsp;       // the syscall entry parks the user RSP here
  std::uint64_t kernel_rsp;     // the syscall entry's stack (= TSS.RSP0)
};

// Point this CPU's kernel GS base at its block; the user's GS base starts at 0.
void install_per_cpu(CpuId cpu);

}  // namespace pristine::x86
