#include "core/interrupt/dispatch.h"

#include "core/console.h"
#include "core/cpu_local.h"
#include "core/drivers/device_files.h"
#include "core/drivers/drivers.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/kernel_entry.h"
#include "core/patch_site.h"
#include "core/sched/scheduler.h"
#include "core/smp/stop_all.h"
#include "core/smp/tlb_shootdown.h"
#include "core/syscall/user_access_table.h"
#include "core/test_hook.h"
#include "core/time/timer_tick.h"

namespace pristine {
namespace {

// A fault in ring 0 is a kernel bug: report it and stop, never resume.
[[noreturn]] PRISTINE_COLD void kernel_exception(const ExceptionInfo& info, const TrapFrame& frame) {
  machine::irq_disable();
  smp::stop_other_cpus();
  const CpuLocal& cpu = this_cpu();
  console::write("\nKERNEL EXCEPTION ");
  console::write(vectors::handler_name(info.vector));
  machine::write_exception_details(info);
  console::write("\n  task ");
  console::write(cpu.current ? cpu.current->name : "(none)");
  if (cpu.current) {
    const VirtAddr guard_start = cpu.current->kernel_stack_top - kKernelStackSize;
    const VirtAddr guard_end = guard_start + 4096;
    // The usual cause of a nested fault: the kernel stack ran into its guard
    // page (the lowest page of the stack area), so the page fault could not
    // be delivered on it (x86-64's #DF on its own stack). An architecture
    // that takes the fault on the same stack (AArch64: a data abort at EL1)
    // says so with the fault's address inside the guard page.
    const bool nested_near_guard = info.is(ExceptionKind::NestedFault) && info.stack_pointer <= guard_end + 512;
    const bool in_guard = info.is(ExceptionKind::PageFault) && info.fault_address >= guard_start &&
                          info.fault_address < guard_end;
    if (nested_near_guard || in_guard) console::write(": kernel stack overflow");
  }
  console::write("\n");
  machine::dump_frame(frame);
  machine::power_off(3);
}

// Demand paging: a not-present page inside the task's own memory is mapped
// (ring-3 stacks and heaps grow on touch); the access is then retried.
[[gnu::always_inline]] inline bool map_on_demand(Task& task, const ExceptionInfo& info) {
  if (!info.is(ExceptionKind::PageFault) || (info.access() & access::kProtection) != 0 ||
      info.fault_address < task.private_start || info.fault_address >= task.private_end ||
      !machine::map_user_page(task.address_space, info.fault_address & ~std::uint64_t{0xFFF})) {
    return false;
  }
  task.pages_mapped++;
  return true;
}

// A system call's copy to or from ring 3 faulted (core/syscall/user_access_table.h):
// the caller's own untouched page is mapped and the copy retried, as its
// own touch would be; any other fault ends the copy at its fixup, and the
// call returns -EFAULT. Never a kernel fault.
PRISTINE_HOT TrapFrame* user_access_fault(const ExceptionInfo& info, TrapFrame* frame, VirtAddr fixup) {
  const KernelEntry entry = enter_kernel();
  if (!map_on_demand(*entry.cpu.current, info)) machine::resume_at(*frame, fixup);
  return leave_kernel(entry, entry.cpu.interrupt_paths[info.vector], frame, frame);
}

}  // namespace

PRISTINE_HOT TrapFrame* dispatch_tick(TrapFrame* frame) {
  const KernelEntry entry = enter_kernel();
  return leave_kernel(entry, entry.cpu.interrupt_paths[vectors::kTimer], frame, timer_tick(entry, frame));
}

PRISTINE_HOT TrapFrame* dispatch_other_interrupt(Vector vector, TrapFrame* frame) {
  const KernelEntry entry = enter_kernel();
  CpuLocal& cpu = entry.cpu;
  TrapFrame* resume = frame;
  if (vector == vectors::kIpiReschedule) {
    machine::end_of_interrupt();
    resume = sched::on_reschedule(cpu, frame, entry.now);
  } else if (vector == vectors::kIpiTlbShootdown) {
    machine::end_of_interrupt();
    resume = smp::serve_shootdowns(cpu, frame, entry.now);
  } else if (vector == vectors::kIpiStopAll) {
    smp::stop_this_cpu(cpu);  // never returns; its in-service bit keeps every other vector out
  } else if (vector == vectors::kSpurious) {
    // Spurious: the controller set no in-service bit, so no EOI (Intel SDM Vol. 3, 11.9).
    PRISTINE_TEST_HOOK(spurious_interrupt);
  } else if (vector == vectors::kKernelWait) {
    // A software interrupt: nothing to acknowledge. A bottom half ends its
    // run here: a device reader it queued bytes for is woken first.
    drivers::wake_device_readers(cpu, entry.now);
    resume = sched::wait_for_wake(cpu, frame, entry.now);
  } else {
    // A device line: its driver's top half (core/drivers/drivers.h), the EOI,
    // then its bottom half woken.
    Task* bottom_half = drivers::top_half(vector);
    PRISTINE_PATCH_SITE(dispatch_device_eoi);
    machine::end_of_interrupt();
    if (bottom_half && sched::claim_wake(*bottom_half)) {
      resume = sched::wake_blocked(cpu, frame, entry.now, *bottom_half);
    }
  }
  return leave_kernel(entry, cpu.interrupt_paths[vector], frame, resume);
}

PRISTINE_HOT TrapFrame* dispatch_exception(const ExceptionInfo& info, TrapFrame* frame) {
  if (info.is(ExceptionKind::NonMaskable)) {
    // An NMI may land anywhere, even inside another path (before that path's
    // switch took effect): no prologue, count it, return.
    this_cpu().interrupt_paths[info.vector].plain.record(Cycles{0});
    return frame;
  }
  if (!info.from_user) {
    if (const VirtAddr fixup = user_access_fixup(info.ip)) return user_access_fault(info, frame, fixup);
    kernel_exception(info, *frame);
  }
  const KernelEntry entry = enter_kernel();
  CpuLocal& cpu = entry.cpu;
  Task& task = *cpu.current;
  PathRecord& record = cpu.interrupt_paths[info.vector];
  // The task's first FPU instruction since it was switched in (docs/fpu.md).
  if (info.is(ExceptionKind::FpuUnavailable)) {
    machine::fpu_load(task.fpu);
    cpu.fpu_live = true;
    return leave_kernel(entry, record, frame, frame);
  }
  if (map_on_demand(task, info)) return leave_kernel(entry, record, frame, frame);
  // Any other ring-3 fault ends the task, with the reason kept for the reports.
  task.fault_vector = info.vector;
  task.fault_ip = info.ip;
  task.fault_error = info.code;
  task.fault_address = info.fault_address;
  TrapFrame* next = sched::exit_current(cpu, frame, entry.now, -static_cast<std::int64_t>(info.vector) - 1);
  return leave_kernel(entry, record, frame, next);
}

}  // namespace pristine
