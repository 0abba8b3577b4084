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

#include <capstone/capstone.h>

#include <cstdint>

#include "core/interrupt/vectors.h"
#include "hw-sim/board_registers.h"
#include "sim/guest_architecture.h"

#if PRISTINE_SIM_GUEST_AARCH64
#define PRISTINE_SIM_GUEST_ARCH aarch64_guest
#include "sim/aarch64/cost_model.h"
#include "sim/aarch64/guest_cpu.h"
#include "sim/aarch64/run_state.h"
#else
#define PRISTINE_SIM_GUEST_ARCH x86_64_guest
#include "hw-x86_64/cpu/exception_vectors.h"
#include "sim/cost_model.h"
#include "sim/x86_64/guest_cpu.h"
#include "sim/x86_64/run_state.h"
#endif

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// How reports name this CPU's privilege levels, registers and page fault.
struct CpuNames {
  const char* kernel_level;   // "ring 0", "EL1"
  const char* user_level;     // "ring 3", "EL0"
  const char* stack_pointer;  // "rsp", "sp"
  const char* pc;             // "rip", "pc"
  const char* page_fault;     // "#PF", "data abort"
};

// An instruction the simulated board forbids in guest code
// (PathInvariants::new_block): the block flag the pricer sets, the
// violation's kind and why.
struct ForbiddenInstruction {
  std::uint32_t block_flag;
  const char* kind;
  const char* message;
};

#if PRISTINE_SIM_GUEST_AARCH64
inline constexpr GuestArchitecture kGuestArchitecture = GuestArchitecture::Aarch64;
using aarch64::ArchRunState;
using aarch64::BlockCost;
using aarch64::CostModel;
using aarch64::CostTable;
using aarch64::EventCosts;
using aarch64::GuestCpu;
using aarch64::is_kernel_address;
// How Capstone decodes this architecture (sim/instruction_hooks.h).
inline constexpr cs_arch kCapstoneArch = CS_ARCH_ARM64;
inline constexpr cs_mode kCapstoneMode = CS_MODE_ARM;
using aarch64::kBlockWatched;
inline constexpr CpuNames kCpuNames{"EL1", "EL0", "sp", "pc", "data abort"};
// Vectors below this are exceptions (the exception slots, hw-aarch64/include/arch/vectors.h).
inline constexpr unsigned kExceptionVectors = arch::kFirstKernelVector;
// TPIDR_EL1 is EL1's own (banked), never the user's: no swap to forget.
inline constexpr bool kPerCpuBaseSwapped = false;
inline constexpr ForbiddenInstruction kForbiddenInstructions[] = {
    {aarch64::kBlockReadsCounter, "counter-read",
     "guest code reads a counter (host time under Unicorn); use the board clock"},
    {aarch64::kBlockHasGicSysreg, "gic-sysreg",
     "guest code uses a GIC CPU-interface register; the simulated board's interrupt controller is its register page"},
};
// The kernel's C++ code its exception vectors call (the hot paths' first C++
// function: sim/path_invariants.h).
inline constexpr const char* kHotEntrySymbols[] = {"aarch64_exception"};
// Where the board's pages are in the guest's physical memory (hw-sim/board_registers.h).
namespace board_physical {
inline constexpr std::uint64_t kRegisters = sim_board::aarch64::kPhysicalBase;
inline constexpr std::uint64_t kUart = sim_board::aarch64::kUartPhysicalBase;
inline constexpr std::uint64_t kNic = sim_board::aarch64::kNicPhysicalBase;
}  // namespace board_physical
#else
inline constexpr GuestArchitecture kGuestArchitecture = GuestArchitecture::X86_64;
inline constexpr CpuNames kCpuNames{"ring 0", "ring 3", "rsp", "rip", "#PF"};
// Vectors below this are exceptions (hw-x86_64/cpu/exception_vectors.h).
inline constexpr unsigned kExceptionVectors = vectors::kExceptionCount;
// GS is swapped between the user's and the kernel's base on every entry and
// exit (swapgs): a handler running with the user's base missed one.
inline constexpr bool kPerCpuBaseSwapped = true;
inline constexpr cs_arch kCapstoneArch = CS_ARCH_X86;
inline constexpr cs_mode kCapstoneMode = CS_MODE_64;
inline constexpr ForbiddenInstruction kForbiddenInstructions[] = {
    {kBlockHasRdtsc, "rdtsc", "guest code reads rdtsc (host time under Unicorn); use the board clock"},
    {kBlockHasPortIo, "port-io", "guest code uses port I/O; the simulated board has only MMIO registers"},
};
inline constexpr const char* kHotEntrySymbols[] = {"x86_interrupt_dispatch", "x86_exception_dispatch",
                                                   "x86_syscall_dispatch"};
namespace board_physical {
inline constexpr std::uint64_t kRegisters = sim_board::kPhysicalBase;
inline constexpr std::uint64_t kUart = sim_board::kUartPhysicalBase;
inline constexpr std::uint64_t kNic = sim_board::kNicPhysicalBase;
}  // namespace board_physical
#endif

// The flags of kForbiddenInstructions: a block with one is reported at each
// CPU's first sight of it (PathInvariants::new_block).
inline constexpr std::uint32_t kForbiddenInstructionFlags = [] {
  std::uint32_t flags = 0;
  for (const ForbiddenInstruction& f : kForbiddenInstructions) flags |= f.block_flag;
  return flags;
}();

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
