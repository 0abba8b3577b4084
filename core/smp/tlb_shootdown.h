// TLB shootdown: after a page leaves an address space, every other CPU that
// may cache its translation flushes it before the task that unmapped it goes
// on.
//
// Protocol: a request belongs to the initiating task (a task has at most one
// in flight: it blocks until it completes), in g_shootdown_requests[task id].
// The initiator publishes the page and a mask of target CPUs (release), sets
// its task's bit in g_shootdowns_outstanding, sends kIpiTlbShootdown to every
// other CPU with one write, and blocks the task: the CPU runs other work
// instead of spinning with interrupts off. A target serves one request per
// delivery (invlpg, then clears its bit) and re-raises the IPI to itself when
// more wait, so each delivery does bounded work; the target that clears the
// last bit retires the request and wakes the task on its CPU. The wait is
// bounded: the initiator's tick takes a request back after
// kShootdownTimeoutTicks and counts a timeout (a CPU that never answered),
// which fails the run's verdict.
#pragma once

#include <atomic>

#include "core/cpu_local.h"
#include "core/smp/cpu_set.h"

namespace pristine::smp {

inline constexpr std::uint32_t kShootdownTimeoutTicks = 10;

struct ShootdownRequest {
  std::atomic<VirtAddr> page;    // the first page
  std::atomic<std::uint32_t> pages;  // how many, from `page` (at most mem::kHeapPages)
  std::atomic<CpuMask> pending;  // targets still to flush
  Task* waiter;
  Cycles deadline;
};

extern ShootdownRequest g_shootdown_requests[kMaxTasks];
extern std::atomic<std::uint32_t> g_shootdowns_outstanding;  // bit n: task n's request is in flight
static_assert(kMaxTasks <= 32, "one bit per task in g_shootdowns_outstanding");

// Hot path (unmap syscall, interrupts off): flush `page` on every other online
// CPU; the current task resumes once all have. Returns the frame to resume.
TrapFrame* shootdown_page(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page);
// The same for `pages` consecutive pages from `page` (memory_free: one
// request; a target flushes one page with invlpg, more with a full flush).
TrapFrame* shootdown_pages(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page, std::uint32_t pages);

// Hot path (the shootdown IPI): serve one request addressed to this CPU.
TrapFrame* serve_shootdowns(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Hot path (the tick's periodic chores, core/time/timer_tick.cpp): take back
// this CPU's requests that are past their deadline.
TrapFrame* check_shootdown_timeouts(CpuLocal& cpu, TrapFrame* frame, Cycles now);

}  // namespace pristine::smp
