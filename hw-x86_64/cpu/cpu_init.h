// Bring one CPU into the state every Pristine image needs: descriptor tables,
// per-CPU GS, FPU/SSE usable by ring-3 code.
#pragma once

#include "core/machine.h"
#include "core/types.h"

namespace pristine::x86 {

// Cold path, once per CPU, interrupts disabled.
void cpu_init(CpuId cpu);
// The FPU state fninit and the default MXCSR leave: what a new task starts
// with and what the switch leaves behind (captured by the boot CPU's cpu_init).
extern FpuState g_clean_fpu_state;

}  // namespace pristine::x86
