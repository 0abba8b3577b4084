#include "core/smp/tlb_shootdown.h"

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/sched/scheduler.h"

namespace pristine::smp {

constinit ShootdownRequest g_shootdown_requests[kMaxTasks] = {};
constinit std::atomic<std::uint32_t> g_shootdowns_outstanding{0};

namespace {

// The request is complete (or abandoned): retire it, then wake its task (in
// this order: once awake, the task may publish its next request).
PRISTINE_HOT TrapFrame* retire(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& waiter) {
  g_shootdowns_outstanding.fetch_and(~(std::uint32_t{1} << waiter.id), std::memory_order_release);
  return sched::wake_blocked_at_home(cpu, frame, now, waiter);
}

}  // namespace

PRISTINE_HOT TrapFrame* shootdown_page(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page) {
  return shootdown_pages(cpu, frame, now, page, 1);
}

PRISTINE_HOT TrapFrame* shootdown_pages(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page,
                                        std::uint32_t pages) {
  const CpuMask targets = online_cpus() & ~bit(cpu.id);
  if (targets == 0) return frame;
  Task& task = *cpu.current;
  ShootdownRequest& request = g_shootdown_requests[task.id];
  request.page.store(page, std::memory_order_relaxed);
  request.pages.store(pages, std::memory_order_relaxed);
  request.waiter = &task;
  request.deadline = now + Cycles{kShootdownTimeoutTicks * cpu.tick_period};
  request.pending.store(targets, std::memory_order_release);
  g_shootdowns_outstanding.fetch_or(std::uint32_t{1} << task.id, std::memory_order_release);
  bump(cpu.shootdowns);
  machine::send_ipi_to_others(vectors::kIpiTlbShootdown);  // one write for any number of CPUs
  return sched::block_current(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* serve_shootdowns(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  const CpuMask me = bit(cpu.id);
  ShootdownRequest* request = nullptr;
  for (std::uint32_t left = g_shootdowns_outstanding.load(std::memory_order_acquire); left != 0; left &= left - 1) {
    ShootdownRequest& r = g_shootdown_requests[__builtin_ctz(left)];
    if ((r.pending.load(std::memory_order_acquire) & me) == 0) continue;
    if (request) {
      // Bounded work per interrupt: the rest in the next delivery (a self-IPI).
      machine::send_ipi(cpu.id, vectors::kIpiTlbShootdown);
      break;
    }
    request = &r;
  }
  if (!request) return frame;
  const VirtAddr first = request->page.load(std::memory_order_relaxed);
  const std::uint32_t pages = request->pages.load(std::memory_order_relaxed);
  // One page: invlpg; more: everything (a CR3 reload costs about one and a
  // half invlpg, and keeps the delivery's cost the same for any count).
  if (pages == 1) {
    machine::flush_tlb_page(first);
  } else {
    machine::flush_tlb_all();
  }
  bump(cpu.shootdown_flushes);
  // Read the waiter before our bit goes: the request may be reused once it is retired.
  Task& waiter = *request->waiter;
  if (request->pending.fetch_and(~me, std::memory_order_acq_rel) != me) return frame;
  return retire(cpu, frame, now, waiter);
}

PRISTINE_HOT TrapFrame* check_shootdown_timeouts(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  TrapFrame* resume = frame;
  for (std::uint32_t left = g_shootdowns_outstanding.load(std::memory_order_acquire); left != 0; left &= left - 1) {
    ShootdownRequest& r = g_shootdown_requests[__builtin_ctz(left)];
    if (r.waiter->cpu != cpu.id || now < r.deadline) continue;
    // Take it back; a late answer then finds no bit to clear and wakes nobody.
    if (r.pending.exchange(0, std::memory_order_acq_rel) == 0) continue;
    bump(cpu.shootdown_timeouts);
    resume = retire(cpu, resume, now, *r.waiter);
  }
  return resume;
}

}  // namespace pristine::smp
