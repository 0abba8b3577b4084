// What the run loop keeps per AArch64 CPU beyond the common SimCpu
// (sim/sim_cpu.h): nothing yet; AArch64 has no instruction priced by the
// bytes it moves (x86-64's rep movs/stos, sim/x86_64/run_state.h).
#pragma once

namespace pristine::sim::aarch64 {

struct ArchRunState {};

}  // namespace pristine::sim::aarch64
