// x86-64's parts of the run loop (sim/simulator.h, sim/x86_64/run_steps.cpp):
// the instruction hooks Unicorn needs on x86 (aligned SSE moves, invlpg,
// sysretq) and the board clock's reads, found by one Capstone sweep of the
// image, and the locator of a faulting instruction inside its block.
#pragma once

#include <vector>

#include "sim/guest_image.h"
#include "sim/guest_memory.h"
#include "sim/x86_64/alignment_checks.h"
#include "sim/x86_64/clock_page_reads.h"
#include "sim/x86_64/delivery.h"
#include "sim/x86_64/fault_locator.h"
#include "sim/x86_64/invlpg_hooks.h"
#include "sim/x86_64/syscall_emulation.h"
#include "sim/x86_64/user_context.h"

namespace pristine::sim {

struct ArchParts {
  ArchParts(const GuestImage& image, GuestMemory& memory)
      : ArchParts(memory, find_instructions(image, kHookedInstructions)) {
    kernel_return = image.find_symbol("interrupt_return_kernel_ret").value_or(0);
  }

  AlignmentChecks alignment_checks;
  InvlpgHooks invlpg_hooks;
  FaultLocator fault_locator;
  SyscallEmulation syscalls;
  ClockPageReads clock_reads;
  // The ret of the kernel's return to ring 0 without iretq
  // (hw-x86_64/cpu/interrupt_entry.S; 0 if the image has none).
  VirtAddr kernel_return = 0;

 private:
  // What the instruction hooks look for, in the order of the sweep's sites.
  enum HookedInstruction { kMisalignable, kTlbFlush, kSysret, kClockRead, kClockOther };
  static constexpr InstructionMatch kHookedInstructions[] = {AlignmentChecks::matches, InvlpgHooks::matches,
                                                             SyscallEmulation::matches, ClockPageReads::matches,
                                                             ClockPageReads::refers_otherwise};
  ArchParts(GuestMemory& memory, std::vector<std::vector<VirtAddr>> sites)
      : alignment_checks(memory, std::move(sites[kMisalignable])),
        invlpg_hooks(memory, std::move(sites[kTlbFlush])),
        syscalls(memory, std::move(sites[kSysret])),
        clock_reads(std::move(sites[kClockRead]), sites[kClockOther]) {}
};

// The system-call convention (docs/syscalls.md): the number in RAX, the
// first argument in RDI, a failure returned with CF set.
inline std::uint64_t syscall_number(const GuestCpu& cpu) { return SyscallEmulation::number(cpu); }
inline std::uint64_t syscall_argument(const GuestCpu& cpu) { return SyscallEmulation::first_argument(cpu); }
inline bool syscall_failed(const GuestCpu& cpu) { return SyscallEmulation::error_flag(cpu); }

}  // namespace pristine::sim
