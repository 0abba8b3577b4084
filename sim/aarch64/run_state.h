// What the run loop keeps per AArch64 CPU beyond the common SimCpu
// (sim/sim_cpu.h; the x86-64 twin is sim/x86_64/run_state.h): where an
// FP/SIMD instruction that CPACR_EL1 traps is, while the CPU runs the
// instructions of its block before it, and whether EL0 may use FP/SIMD
// (sim/aarch64/run_steps.cpp).
#pragma once

#include <cstdint>
#include <optional>

namespace pristine::sim::aarch64 {

struct ArchRunState {
  std::uint64_t fp_simd_trap_at = 0;
  bool running_to_fp_simd_trap = false;
  // CPACR_EL1.FPEN lets EL0 use FP/SIMD: read once per stretch at EL0, since
  // only EL1 writes CPACR_EL1 and EL1 returns to EL0 by `eret` (on_block
  // forgets it at the block after one).
  std::optional<bool> el0_fp_simd_open;
  // TTBR0_EL1 at the last return to EL0 whose held translations were checked
  // (Simulator::check_held_translations).
  std::uint64_t checked_ttbr0 = 0;
};

}  // namespace pristine::sim::aarch64
