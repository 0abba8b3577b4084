// The Power State Coordination Interface (Arm DEN 0022) on QEMU's virt
// board, called with `hvc` (the board's conduit when it emulates no EL2 or
// EL3): start a CPU, ask whether one exists.
#pragma once

#include <cstdint>

namespace pristine::virt {

// CPU_ON (64-bit): start CPU `cpu` (MPIDR Aff0 = its number on virt) at
// physical `entry` with `context` in x0. 0, or a negative PSCI error.
std::int64_t psci_cpu_on(std::uint64_t cpu, std::uint64_t entry, std::uint64_t context);
// AFFINITY_INFO (64-bit): 0 on, 1 off, 2 on its way; negative if no such CPU.
std::int64_t psci_affinity_info(std::uint64_t cpu);

}  // namespace pristine::virt
