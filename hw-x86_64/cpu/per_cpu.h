// The architecture's per-CPU block, reached through GS in ring 0: the kernel
// GS base points at it, the user's GS base is swapped in (swapgs) while ring 3
// runs. Offsets are used from assembly, so they are pinned by static_asserts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/types.h"

namespace pristine::x86 {

struct PerCpu {
  PerCpu* self;                 // gs:0, for taking the block's address
  CpuId cpu;                    // gs:8
  std::uint32_t reserved;
  std::uint64_t user_rsp;       // gs:16, the syscall entry parks the user RSP here
  std::uint64_t kernel_rsp;     // gs:24, the syscall entry's stack (= TSS.RSP0)
};

static_assert(offsetof(PerCpu, cpu) == 8);
static_assert(offsetof(PerCpu, user_rsp) == 16);
static_assert(offsetof(PerCpu, kernel_rsp) == 24);

// Point this CPU's kernel GS base at its block; the user's GS base starts at 0.
void install_per_cpu(CpuId cpu);

}  // namespace pristine::x86
