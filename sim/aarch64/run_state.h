// What the run loop keeps per AArch64 CPU beyond the common SimCpu
// (sim/sim_cpu.h; the x86-64 twin is sim/x86_64/run_state.h): where an
// FP/SIMD instruction that CPACR_EL1 traps is, while the CPU runs the
// instructions of its block before it (sim/aarch64/run_steps.cpp).
#pragma once

#include <cstdint>

namespace pristine::sim::aarch64 {

struct ArchRunState {
  std::uint64_t fp_simd_trap_at = 0;
  bool running_to_fp_simd_trap = false;
};

}  // namespace pristine::sim::aarch64
