// TLB shootdown: after a page leaves an address space, every other CPU that
// may cache its translation flushes it before the initiator goes on.
//
// Protocol (per initiating CPU, in its CpuLocal): the initiator publishes the
// page, then a mask of target CPUs (release), and sends each target
// vectors::kIpiTlbShootdown. A target flushes every page requested of it and
// clears its bit (release). The initiator spins until the mask is empty,
// serving requests addressed to itself meanwhile (two CPUs shooting at each
// other with interrupts off must not deadlock), up to kShootdownSpinLimit
// iterations: a CPU that never answers is counted, not waited on forever.
#pragma once

#include "core/cpu_local.h"

namespace pristine::smp {

inline constexpr std::uint32_t kShootdownSpinLimit = 1u << 20;

// Hot path (unmap syscall, interrupts off): flush `page` on every other online CPU.
void shootdown_page(CpuLocal& cpu, VirtAddr page);

// Hot path (the shootdown IPI, and initiators while they wait): flush what
// other CPUs asked of this one and acknowledge.
void serve_shootdowns(CpuLocal& cpu);

}  // namespace pristine::smp
