// TLB shootdown: after a page leaves an address space, every other CPU that
// may cache its translation flushes it before the task that unmapped it goes
// on.
//
// Protocol (per initiating CPU, in its CpuLocal): the initiator publishes the
// page and the waiting task, then a mask of target CPUs (release), sends each
// target vectors::kIpiTlbShootdown and blocks the task: the CPU runs other
// work instead of spinning. A target flushes every page requested of it and
// clears its bit (release); the one that clears the last bit wakes the task
// (through the scheduler's cross-CPU wake). The wait is bounded: the
// initiator's tick wakes the task after kShootdownTimeoutTicks and counts a
// timeout (a CPU that never answers), which the reports treat as a failure.
#pragma once

#include "core/cpu_local.h"

namespace pristine::smp {

inline constexpr std::uint32_t kShootdownTimeoutTicks = 10;

// Hot path (unmap syscall, interrupts off): flush `page` on every other online
// CPU; the current task resumes once all have. Returns the frame to resume.
TrapFrame* shootdown_page(CpuLocal& cpu, TrapFrame* frame, VirtAddr page);

// Hot path (the shootdown IPI): flush one page another CPU asked of this one
// and acknowledge (the last acknowledgement wakes the initiator's task); more
// requests re-raise the IPI, so each delivery does bounded work.
TrapFrame* serve_shootdowns(CpuLocal& cpu, TrapFrame* frame);

// Hot path (tick): wake a task whose shootdown is past its deadline.
TrapFrame* check_shootdown_timeout(CpuLocal& cpu, TrapFrame* frame, Cycles now);

}  // namespace pristine::smp
