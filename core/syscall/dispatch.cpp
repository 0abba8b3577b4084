// System calls. Checks come first, straight-line, like a fast path: a bad
// argument is an error code back to ring 3, never a kernel fault.
#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/sched/scheduler.h"
#include "core/smp/tlb_shootdown.h"
#include "core/user_layout.h"
#include "core/syscall/syscall.h"
#include "core/syscall/user_access.h"

namespace pristine {
namespace {

// Console output is slow (a UART character costs 10 000+ cycles): run it with
// interrupts enabled so ticks and device interrupts are not held off, and
// the task can be preempted in the middle of it.
PRISTINE_COLD std::int64_t write_console(VirtAddr buffer, std::uint64_t length) {
  machine::irq_enable();
  machine::console_write(reinterpret_cast<const char*>(buffer), length);
  machine::irq_disable();
  return static_cast<std::int64_t>(length);
}

Cycles nanoseconds_to_cycles(const CpuLocal& cpu, std::uint64_t ns) {
  // Split to avoid overflow for long sleeps: whole seconds, then the rest.
  const std::uint64_t seconds = ns / 1'000'000'000;
  const std::uint64_t rest = ns % 1'000'000'000;
  return seconds * cpu.clock_hz + rest * (cpu.clock_hz / 1'000'000) / 1000;
}

// wait(): consume a pending wake, or block until one comes (Task::wake_state).
PRISTINE_HOT TrapFrame* wait_for_wake(CpuLocal& cpu, TrapFrame* frame) {
  Task& task = *cpu.current;
  std::uint32_t expected = kWakeNone;
  if (task.wake_state.compare_exchange_strong(expected, kWakeWaiting, std::memory_order_acq_rel)) {
    return sched::block_current(cpu, frame);
  }
  task.wake_state.store(kWakeNone, std::memory_order_relaxed);  // it was Pending: only we clear it
  return frame;
}

// wake(task): a waiting task is made runnable; any other gets a pending wake.
PRISTINE_HOT TrapFrame* wake_task(CpuLocal& cpu, TrapFrame* frame, std::uint64_t id, std::int64_t& result) {
  if (id >= pristine_tasks.count || &pristine_tasks.tasks[id] == cpu.current) {
    result = kEINVAL;
    return frame;
  }
  Task& task = pristine_tasks.tasks[id];
  if (!task.is_user || task.state == TaskState::Dead) {
    result = kEINVAL;
    return frame;
  }
  std::uint32_t state = task.wake_state.load(std::memory_order_acquire);
  for (;;) {
    if (state == kWakePending) return frame;
    const std::uint32_t next = state == kWakeWaiting ? kWakeNone : kWakePending;
    if (task.wake_state.compare_exchange_weak(state, next, std::memory_order_acq_rel)) break;
  }
  return state == kWakeWaiting ? sched::wake_blocked(cpu, frame, task) : frame;
}

// unmap(page): a page of the caller's heap leaves its address space on every
// CPU; the caller resumes once every CPU flushed it.
PRISTINE_HOT TrapFrame* unmap_page(CpuLocal& cpu, TrapFrame* frame, VirtAddr page, std::int64_t& result) {
  const Task& task = *cpu.current;
  const VirtAddr heap = task.private_start + PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE;
  if ((page & 0xFFF) != 0 || page < heap || page >= task.private_end) {
    result = kEINVAL;
    return frame;
  }
  machine::unmap_user_page(task.address_space, page);
  return smp::shootdown_page(cpu, frame, page);
}

PRISTINE_HOT TrapFrame* run_syscall(CpuLocal& cpu, const SyscallArgs& args, TrapFrame* frame, std::int64_t& result) {
  result = 0;
  switch (static_cast<Syscall>(args.number)) {
    case Syscall::Yield:
      return sched::yield(cpu, frame);
    case Syscall::Sleep: {
      // More than a day is surely a caller bug.
      if (args.arg[0] > 86'400ull * 1'000'000'000) {
        result = kEINVAL;
        return frame;
      }
      return sched::sleep_until(cpu, frame, machine::now() + nanoseconds_to_cycles(cpu, args.arg[0]));
    }
    case Syscall::Exit:
      return sched::exit_current(cpu, frame, static_cast<std::int64_t>(args.arg[0]));
    case Syscall::GetPid:
      result = cpu.current->id;
      return frame;
    case Syscall::Write: {
      const VirtAddr buffer = args.arg[0];
      const std::uint64_t length = args.arg[1];
      if (length > kMaxWriteLength) {
        result = kEINVAL;
      } else if (!user_range_ok(buffer, length)) {
        result = kEFAULT;
      } else {
        result = write_console(buffer, length);
      }
      return frame;
    }
    case Syscall::Wait:
      return wait_for_wake(cpu, frame);
    case Syscall::Wake:
      return wake_task(cpu, frame, args.arg[0], result);
    case Syscall::Unmap:
      return unmap_page(cpu, frame, args.arg[0], result);
    case Syscall::Count:
      break;
  }
  result = kENOSYS;
  return frame;
}

}  // namespace

PRISTINE_HOT TrapFrame* dispatch_syscall(const SyscallArgs& args, TrapFrame* frame, std::int64_t& result) {
  CpuLocal& cpu = this_cpu();
  sched::finish_switch(cpu);
  const Cycles start = machine::now();
  TrapFrame* resume = run_syscall(cpu, args, frame, result);
  const std::uint64_t slot = args.number < kSyscallSlots - 1 ? args.number : kSyscallSlots - 1;
  record_path(cpu, cpu.syscall[slot], cpu.syscall_switched[slot], start, resume != frame);
  return resume;
}

}  // namespace pristine
