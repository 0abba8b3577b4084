// Bring one CPU into the state every Pristine image needs: descriptor tables,
// per-CPU GS, FPU/SSE usable by ring-3 code.
#pragma once

#include "core/types.h"

namespace pristine::x86 {

// Cold path, once per CPU, interrupts disabled.
void cpu_init(CpuId cpu);

}  // namespace pristine::x86
