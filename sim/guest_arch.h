// The guest architecture this copy of the simulator's engine is compiled
// for, and its parts: the CPU (GuestCpu), the block pricer (CostModel and
// its BlockCost) and the run state a CPU keeps (ArchRunState). The engine (the run loop and every part that holds a CPU or reads the
// kernel's structures) is compiled once per architecture (sim/CMakeLists.txt,
// pristine_sim_engine and pristine_sim_engine_aarch64): each copy with its
// architecture's arch/ headers, since the kernel's layouts differ (a Task
// holds its FpuState: 512 bytes on x86-64, 528 on AArch64), its
// architecture's CPU (sim/x86_64/, sim/aarch64/), and in an inline
// namespace of its own so that both copies link into one program. The
// define PRISTINE_SIM_GUEST_AARCH64 selects the AArch64 copy.
#pragma once

#include "sim/guest_architecture.h"

#if PRISTINE_SIM_GUEST_AARCH64
#define PRISTINE_SIM_GUEST_ARCH aarch64_guest
#include "sim/aarch64/cost_model.h"
#include "sim/aarch64/guest_cpu.h"
#include "sim/aarch64/run_state.h"
#else
#define PRISTINE_SIM_GUEST_ARCH x86_64_guest
#include "sim/cost_model.h"
#include "sim/x86_64/guest_cpu.h"
#include "sim/x86_64/run_state.h"
#endif

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

#if PRISTINE_SIM_GUEST_AARCH64
inline constexpr GuestArchitecture kGuestArchitecture = GuestArchitecture::Aarch64;
using aarch64::ArchRunState;
using aarch64::BlockCost;
using aarch64::CostModel;
using aarch64::CostTable;
using aarch64::EventCosts;
using aarch64::GuestCpu;
#else
inline constexpr GuestArchitecture kGuestArchitecture = GuestArchitecture::X86_64;
#endif

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
