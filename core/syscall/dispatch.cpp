// System calls. Checks come first, straight-line, like a fast path: a bad
// argument is an error code back to ring 3, never a kernel fault.
#include "core/cpu_local.h"
#include "core/drivers/user_interrupts.h"
#include "core/hot_path.h"
#include "core/mem/heap_regions.h"
#include "core/kernel_entry.h"
#include "core/sched/scheduler.h"
#include "core/smp/tlb_shootdown.h"
#include "core/user_layout.h"
#include "core/program_registry.h"
#include "core/syscall/file_calls.h"
#include "core/syscall/syscall.h"
#include "core/syscall/system_info.h"
#include "core/boot_info.h"
#include "core/smp/cpu_set.h"
#include "core/syscall/user_access.h"
#include "core/sync/condition_variable.h"
#include "core/sync/ipc.h"
#include "core/sync/kernel_object.h"
#include "core/sync/mutex.h"
#include "core/sync/semaphore.h"
#include "core/user_programs.h"

namespace pristine {
namespace {

// Console output is slow (a UART character costs 10 000+ cycles): run it with
// interrupts enabled so ticks and device interrupts are not held off, and
// the task can be preempted in the middle of it. The bytes come through a
// kernel buffer, a chunk at a time: a page of the range the caller cannot
// read ends the write there (the bytes before it, or -EFAULT if none).
PRISTINE_COLD std::int64_t write_console(VirtAddr buffer, std::uint64_t length) {
  char chunk[256];
  std::uint64_t written = 0;
  machine::irq_enable();
  while (written < length) {
    const std::uint64_t n = length - written < sizeof chunk ? length - written : sizeof chunk;
    if (copy_from_user(chunk, buffer + written, n) != 0) break;
    machine::console_write(chunk, n);
    written += n;
  }
  machine::irq_disable();
  return written == 0 && length != 0 ? kEFAULT : static_cast<std::int64_t>(written);
}

// More than a day is surely a caller bug.
inline constexpr std::uint64_t kMaxSleepNanoseconds = 86'400ull * 1'000'000'000;

Cycles nanoseconds_to_cycles(const CpuLocal& cpu, std::uint64_t ns) {
  // Split to avoid overflow for long sleeps: whole seconds, then the rest.
  const std::uint64_t seconds = ns / 1'000'000'000;
  const std::uint64_t rest = ns % 1'000'000'000;
  return Cycles{seconds * cpu.clock_hz + rest * (cpu.clock_hz / 1'000'000) / 1000};
}

// The kernel clock in nanoseconds: whole seconds and the rest apart, so a
// clock running for years does not overflow.
Cycles cycles_to_nanoseconds(const CpuLocal& cpu, Cycles cycles) {
  const std::uint64_t seconds = cycles / cpu.clock_hz;
  const std::uint64_t rest = cycles % cpu.clock_hz;
  return Cycles{seconds * 1'000'000'000 + rest * 1'000'000'000 / cpu.clock_hz};
}

// An IPC call's timeout (core/sync/ipc_limits.h): 0 tries once, ipc::kForever
// waits for good, anything else at most a day (beyond: false, and the call's
// result is -EINVAL).
PRISTINE_HOT bool ipc_deadline(const CpuLocal& cpu, Cycles now, std::uint64_t nanoseconds,
                               sync::IpcDeadline& deadline, std::int64_t& result) {
  if (nanoseconds == ipc::kForever) {
    deadline = {kNever, false};
    return true;
  }
  if (nanoseconds > ipc::kMaxTimeoutNanoseconds) {
    result = kEINVAL;
    return false;
  }
  deadline = {Cycles{now + nanoseconds_to_cycles(cpu, nanoseconds)}, nanoseconds == 0};
  return true;
}

// sysinfo(buffer, length): a short buffer is refused rather than cut, so a
// caller never reads a half-filled struct by mistake.
PRISTINE_COLD std::int64_t system_info(const CpuLocal& cpu, VirtAddr buffer, std::uint64_t length) {
  if (length < sizeof(SystemInfo)) return kEINVAL;
  std::uint32_t cpus = 0;
  for (smp::CpuMask online = smp::online_cpus(); online != 0; online &= online - 1) ++cpus;
  const SystemInfo info{
      .size = sizeof(SystemInfo),
      .abi_version = kSystemInfoVersion,
      .cpus = cpus,
      .tick_hz = pristine_boot_info.tick_hz,
      .clock_hz = cpu.clock_hz,
      .max_tasks = kMaxTasks,
      .tasks = pristine_tasks.count,
      .page_size = 4096,
      .stack_size = PRISTINE_USER_STACK_SIZE,
      .heap_size = PRISTINE_USER_HEAP_SIZE,
  };
  const std::int64_t copied = copy_to_user(buffer, &info, sizeof info);
  return copied != 0 ? copied : static_cast<std::int64_t>(sizeof info);
}

// wake(task): a waiting task is made runnable; any other gets a pending wake.
PRISTINE_HOT TrapFrame* wake_task(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t id,
                                   std::int64_t& result) {
  Task* named = task_by_id(id);
  if (named == nullptr || named == cpu.current) {
    result = kEINVAL;
    return frame;
  }
  Task& task = *named;
  if (!task.is_user || task.state == TaskState::Dead) {
    result = kEINVAL;
    return frame;
  }
  return sched::claim_wake(task) ? sched::wake_blocked(cpu, frame, now, task) : frame;
}

// spawn(program, arg): a ring-3 program of the registry, its argument
// checked by its kind as a scenario's would be (a partner is a task id here).
PRISTINE_HOT std::int64_t spawn_child(CpuLocal& cpu, std::uint64_t number, std::uint64_t arg, Cycles now) {
  if (number >= kProgramCount) return kEINVAL;
  const auto program = static_cast<UserProgram>(number);
  const ProgramInfo& info = *program_info(program);
  if (!info.ring3) return kEINVAL;
  switch (info.arg) {
    case ProgramArg::NoArg: if (arg != 0) return kEINVAL; break;
    case ProgramArg::SleepNanoseconds: if (arg == 0 || arg > kMaxSleepNanoseconds) return kEINVAL; break;
    case ProgramArg::PartnerTask: if (task_by_id(arg) == nullptr) return kEINVAL; break;
    case ProgramArg::Number: if (arg >> 63 != 0) return kEINVAL; break;
  }
  const Task* child = sched::spawn_user_task(cpu, program, arg, now);
  return child ? static_cast<std::int64_t>(public_id(*child)) : kEAGAIN;
}

// wait_child(id): the child's exit code once it exited, collected once. Until
// then the caller blocks (the wait()/wake() handshake) and comes back with
// -EINTR, to call again: the child's exit, or any other wake, woke it.
PRISTINE_HOT TrapFrame* wait_for_child(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t id,
                                        std::int64_t& result) {
  Task& me = *cpu.current;
  Task* named = task_by_id(id);
  if (named == nullptr) {  // no such task, or an earlier occupant of a reused slot
    result = kECHILD;
    return frame;
  }
  Task& child = *named;
  if (child.parent_id != public_id(me) || child.reaped) {
    result = kECHILD;
    return frame;
  }
  const auto dead = [&child] {
    return std::atomic_ref<TaskState>(child.state).load(std::memory_order_seq_cst) == TaskState::Dead;
  };
  if (!dead()) {
    // A full barrier (the exit's exchange is the other half): either the
    // exit sees us here, or we see it dead below.
    child.exit_waiter.exchange(&me, std::memory_order_seq_cst);
    // Its exit takes the waiter after it is dead: not dead now means the exit
    // will see us (and wake us); dead now and the waiter still ours means it
    // did not, and we take the code at once.
    if (!dead() || child.exit_waiter.exchange(nullptr, std::memory_order_acq_rel) == nullptr) {
      result = kEINTR;
      return sched::wait_for_wake(cpu, frame, now);
    }
  }
  result = child.exit_code;
  child.reaped = 1;
  sched::release_slot(child);  // last: the slot may be taken again at once
  return frame;
}

// thread_create(entry, arg): a thread of the caller's process starting at
// `entry`, which must be ring-3 code (anything else would fault in ring 3 at
// once, or worse, be a kernel address).
PRISTINE_HOT std::int64_t create_thread(CpuLocal& cpu, VirtAddr entry, std::uint64_t arg, Cycles now) {
  if (!is_user_code(entry)) return kEFAULT;
  const Task* thread = sched::create_user_thread(cpu, entry, arg, now);
  return thread ? static_cast<std::int64_t>(public_id(*thread)) : kEAGAIN;
}

// Where a slot's heap starts: past its stack and its counter page
// (core/user_layout.h). A process's heap is its first task's
// (core/mem/heap_regions.h); threads allocate from it too.
PRISTINE_HOT VirtAddr heap_start(const Task& task) {
  return task.private_start + PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE;
}

// unmap(page): a page of the caller's heap leaves its address space on every
// CPU; the caller resumes once every CPU flushed it.
PRISTINE_HOT TrapFrame* unmap_page(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page,
                                    std::int64_t& result) {
  const Task& task = *cpu.current;
  const VirtAddr heap = heap_start(task);
  if ((page & 0xFFF) != 0 || page < heap || page >= task.private_end) {
    result = kEINVAL;
    return frame;
  }
  machine::unmap_user_page(task.address_space, page);
  return smp::shootdown_page(cpu, frame, now, page);
}

// map(page): a page of the caller's own stack or heap, mapped now instead of
// at its first touch (zeroed if new; a mapped page keeps its contents).
PRISTINE_HOT std::int64_t map_page(Task& task, VirtAddr page) {
  if ((page & 0xFFF) != 0 || page < task.private_start || page >= task.private_end) return kEINVAL;
  machine::map_user_page(task.address_space, page);
  return 0;
}

// protect(page, writable): a mapped page of the caller's heap read-only or
// writable again, flushed on every CPU (like an unmap: the caller resumes
// once every CPU dropped the old rights). A page not mapped yet is -ENOMEM:
// mapping it here too (zeroing 4 KiB) would take the path past its budget
// with the shootdown and switch; the caller maps it first (`map`).
PRISTINE_HOT TrapFrame* protect_page(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr page,
                                      std::uint64_t writable, std::int64_t& result) {
  const Task& task = *cpu.current;
  const VirtAddr heap = heap_start(task);
  if ((page & 0xFFF) != 0 || page < heap || page >= task.private_end || writable > 1) {
    result = kEINVAL;
    return frame;
  }
  if (!machine::protect_user_page(task.address_space, page, writable != 0)) {
    result = kENOMEM;
    return frame;
  }
  return smp::shootdown_page(cpu, frame, now, page);
}

// memory_allocate(length): the lowest run of free heap pages that holds
// `length` bytes, taken in one compare-and-swap of the process's region word.
// Not mapped here: its pages are demand-zero, mapped at first touch, so the
// call costs the same for a page or the whole heap (zeroing 4 KiB a page here
// would take the path past its budget).
PRISTINE_HOT std::int64_t memory_allocate(const Task& task, std::uint64_t length) {
  const std::uint32_t pages = mem::pages_for(length);
  if (pages == 0) return kEINVAL;
  Task& process = pristine_tasks.tasks[task.process];
  std::uint64_t word = process.heap_regions.load(std::memory_order_acquire);
  std::uint32_t first;
  do {
    first = mem::first_fit(word, pages);
    if (first == mem::kHeapPages) return kENOMEM;
  } while (!process.heap_regions.compare_exchange_weak(word, word | mem::pages_mask(first, pages) | mem::start_bit(first),
                                                       std::memory_order_acq_rel, std::memory_order_acquire));
  return static_cast<std::int64_t>(heap_start(process) + first * mem::kPageSize);
}

// memory_free(address, length): exactly one region (its start, its length
// rounded up to pages), else -EINVAL. Its start bit goes first (a second free
// of it fails from then on, and no allocate takes its pages yet), then its
// pages leave the address space (PTE cleared, flushed here), then they are
// free again, and every other CPU flushes them before the caller resumes (one
// shootdown for the region, as `unmap` does for a page).
PRISTINE_HOT TrapFrame* memory_free(CpuLocal& cpu, TrapFrame* frame, Cycles now, VirtAddr address,
                                    std::uint64_t length, std::int64_t& result) {
  const Task& task = *cpu.current;
  Task& process = pristine_tasks.tasks[task.process];
  const VirtAddr heap = heap_start(process);
  const std::uint32_t pages = mem::pages_for(length);
  if ((address & 0xFFF) != 0 || address < heap || address - heap >= PRISTINE_USER_HEAP_SIZE || pages == 0) {
    result = kEINVAL;
    return frame;
  }
  const auto first = static_cast<std::uint32_t>((address - heap) / mem::kPageSize);
  std::uint64_t word = process.heap_regions.load(std::memory_order_acquire);
  do {
    if (first + pages > mem::kHeapPages || !mem::is_region(word, first, pages)) {
      result = kEINVAL;
      return frame;
    }
  } while (!process.heap_regions.compare_exchange_weak(word, word & ~mem::start_bit(first), std::memory_order_acq_rel,
                                                       std::memory_order_acquire));
  machine::unmap_user_pages(task.address_space, address, pages);
  process.heap_regions.fetch_and(~mem::pages_mask(first, pages), std::memory_order_release);
  return smp::shootdown_pages(cpu, frame, now, address, pages);
}

// trace_marker(value): one more marker on this CPU, its value and task kept
// for the reports. Relaxed stores: nothing waits on them.
PRISTINE_HOT void trace_marker(CpuLocal& cpu, std::uint64_t value) {
  debug::TraceSlot& slot = cpu.trace;
  bump(slot.count);
  slot.last_value.store(value, std::memory_order_relaxed);
  slot.last_task.store(cpu.current->id, std::memory_order_relaxed);
}

// profile_start(region): the region opens now (the kernel clock at entry).
// Regions of different ids nest or overlap freely; one id is open once at a
// time (-EBUSY).
PRISTINE_HOT std::int64_t profile_start(Task& task, std::uint64_t region, Cycles now) {
  if (region >= debug::kProfileRegions) return kEINVAL;
  const std::uint32_t bit = 1u << region;
  if ((task.profile.open & bit) != 0) return kEBUSY;
  task.profile.open |= bit;
  task.profile.started_at[region] = now;
  return 0;
}

// profile_stop(region): the region closes; its span, from its start's entry
// to this entry, is recorded on this CPU and returned. -EINVAL for a region
// out of range or not open (a stop without a start).
PRISTINE_HOT std::int64_t profile_stop(CpuLocal& cpu, std::uint64_t region, Cycles now) {
  Task& task = *cpu.current;
  if (region >= debug::kProfileRegions) return kEINVAL;
  const std::uint32_t bit = 1u << region;
  if ((task.profile.open & bit) == 0) return kEINVAL;
  task.profile.open &= ~bit;
  const Cycles span{now - task.profile.started_at[region]};
  cpu.profile.regions[region].record(span);
  return static_cast<std::int64_t>(span);
}

}  // namespace

PRISTINE_HOT TrapFrame* dispatch_syscall(SyscallArgs& call, TrapFrame* frame) {
  const KernelEntry entry = enter_kernel();
  CpuLocal& cpu = entry.cpu;
  const std::uint64_t number = call.number;  // `call` gets the result on the way out
  const std::uint64_t* arg = call.arg;
  // The null call first, on a straight path of its own (its budget is 100
  // instructions): nothing of the switch below, whose calls take `result`
  // by reference and so keep it in memory, is on its way.
  if (number == static_cast<std::uint64_t>(Syscall::GetPid)) [[likely]] {
    call.number = cpu.current->process_id;
    return leave_kernel(entry, cpu.syscall_paths[number], frame, frame);
  }
  std::int64_t result = 0;
  TrapFrame* resume = frame;
  switch (static_cast<Syscall>(number)) {
    case Syscall::GetTid:
      result = public_id(*cpu.current);
      break;
    case Syscall::Yield:
      resume = sched::yield(cpu, frame, entry.now);
      break;
    case Syscall::Sleep:
      if (arg[0] > kMaxSleepNanoseconds) {
        result = kEINVAL;
      } else {
        resume = sched::sleep_until(cpu, frame, entry.now, entry.now + nanoseconds_to_cycles(cpu, arg[0]));
      }
      break;
    case Syscall::Exit:
      resume = sched::exit_current(cpu, frame, entry.now, static_cast<std::int64_t>(arg[0]));
      break;
    case Syscall::Write:
      if (arg[1] > kMaxWriteLength) {
        result = kEINVAL;
      } else if (!user_range_ok(arg[0], arg[1])) {
        result = kEFAULT;  // checked here too: the common bad pointer costs no cold call
      } else {
        result = write_console(arg[0], arg[1]);
      }
      break;
    case Syscall::Wait:
      resume = sched::wait_for_wake(cpu, frame, entry.now);
      break;
    case Syscall::Wake:
      resume = wake_task(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::Unmap:
      resume = unmap_page(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::Clock:
      result = static_cast<std::int64_t>(cycles_to_nanoseconds(cpu, entry.now));
      break;
    case Syscall::SysInfo:
      result = system_info(cpu, arg[0], arg[1]);
      break;
    case Syscall::Open:
      result = file_open(*cpu.current, arg[0], arg[1], arg[2]);
      break;
    case Syscall::Close:
      result = file_close(*cpu.current, arg[0]);
      break;
    case Syscall::Read:
      resume = file_read(cpu, frame, entry.now, arg[0], arg[1], arg[2], result);
      break;
    case Syscall::FdWrite:
      result = file_write(*cpu.current, arg[0], arg[1], arg[2]);
      break;
    case Syscall::Ioctl:
      result = file_ioctl(*cpu.current, arg[0], arg[1], arg[2]);
      break;
    case Syscall::Seek:
      result = file_seek(*cpu.current, arg[0], static_cast<std::int64_t>(arg[1]), arg[2]);
      break;
    case Syscall::Stat:
      result = file_stat(*cpu.current, arg[0], arg[1], arg[2]);
      break;
    case Syscall::Map:
      result = map_page(*cpu.current, arg[0]);
      break;
    case Syscall::Protect:
      resume = protect_page(cpu, frame, entry.now, arg[0], arg[1], result);
      break;
    case Syscall::Spawn:
      result = spawn_child(cpu, arg[0], arg[1], entry.now);
      break;
    case Syscall::WaitChild:
      resume = wait_for_child(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::GetPpid:
      result = cpu.current->parent == kNoParent ? kESRCH : cpu.current->parent_id;
      break;
    case Syscall::InterruptRegister:
      result = drivers::interrupt_register(*cpu.current, arg[0]);
      break;
    case Syscall::InterruptWait:
      // Nothing to collect: block until the line's top half wakes us, and
      // return 0 (the runtime calls again to collect).
      result = drivers::interrupt_collect(*cpu.current, arg[0]);
      if (result == 0) resume = sched::wait_for_wake(cpu, frame, entry.now);
      break;
    case Syscall::InterruptUnregister:
      result = drivers::interrupt_unregister(*cpu.current, arg[0]);
      break;
    case Syscall::ThreadCreate:
      result = create_thread(cpu, arg[0], arg[1], entry.now);
      break;
    case Syscall::ThreadJoin:
      // wait_child's rules (its creator only, collected once), for a thread
      // of the caller's process.
      if (const Task* thread = task_by_id(arg[0]);
          thread == nullptr || thread->process != cpu.current->process || thread->id == thread->process) {
        result = kESRCH;
      } else {
        resume = wait_for_child(cpu, frame, entry.now, arg[0], result);
      }
      break;
    case Syscall::MutexCreate:
      result = sync::create(sync::ObjectKind::Mutex, 0, *cpu.current);
      break;
    case Syscall::MutexLock:
      resume = sync::mutex_lock(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::MutexUnlock:
      resume = sync::mutex_unlock(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::SemaphoreCreate:
      result = arg[0] > sync::kMaxSemaphoreCount
                   ? kEINVAL
                   : sync::create(sync::ObjectKind::Semaphore, static_cast<std::uint16_t>(arg[0]), *cpu.current);
      break;
    case Syscall::SemaphoreWait:
      resume = sync::semaphore_wait(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::SemaphorePost:
      resume = sync::semaphore_post(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::ConditionCreate:
      result = sync::create(sync::ObjectKind::Condition, 0, *cpu.current);
      break;
    case Syscall::ConditionWait:
      resume = sync::condition_wait(cpu, frame, entry.now, arg[0], arg[1], result);
      break;
    case Syscall::ConditionSignal:
      resume = sync::condition_signal(cpu, frame, entry.now, arg[0], result);
      break;
    case Syscall::ConditionBroadcast:
      result = sync::condition_broadcast(cpu, entry.now, arg[0]);
      break;
    case Syscall::ChannelCreate:
      result = sync::channel_create(*cpu.current);
      break;
    case Syscall::ChannelSend:
      if (sync::IpcDeadline deadline; ipc_deadline(cpu, entry.now, arg[3], deadline, result)) {
        resume = sync::channel_send(cpu, frame, entry.now, arg[0], arg[1], arg[2], deadline, result);
      }
      break;
    case Syscall::ChannelReceive:
      if (sync::IpcDeadline deadline; ipc_deadline(cpu, entry.now, arg[3], deadline, result)) {
        resume = sync::channel_receive(cpu, frame, entry.now, arg[0], arg[1], arg[2], deadline, result);
      }
      break;
    case Syscall::QueueCreate:
      result = sync::queue_create(arg[0], *cpu.current);
      break;
    case Syscall::QueueSend:
      if (sync::IpcDeadline deadline; ipc_deadline(cpu, entry.now, arg[3], deadline, result)) {
        resume = sync::queue_send(cpu, frame, entry.now, arg[0], arg[1], arg[2], deadline, result);
      }
      break;
    case Syscall::QueueReceive:
      if (sync::IpcDeadline deadline; ipc_deadline(cpu, entry.now, arg[3], deadline, result)) {
        resume = sync::queue_receive(cpu, frame, entry.now, arg[0], arg[1], arg[2], deadline, result);
      }
      break;
    case Syscall::Poll:
      if (sync::IpcDeadline deadline; ipc_deadline(cpu, entry.now, arg[2], deadline, result)) {
        resume = sync::poll(cpu, frame, entry.now, arg[0], arg[1], deadline, result);
      }
      break;
    case Syscall::ObjectDestroy:
      result = sync::destroy(arg[0], *cpu.current);
      break;
    case Syscall::TraceMarker:
      trace_marker(cpu, arg[0]);
      break;
    case Syscall::ProfileStart:
      result = profile_start(*cpu.current, arg[0], entry.now);
      break;
    case Syscall::ProfileStop:
      result = profile_stop(cpu, arg[0], entry.now);
      break;
    case Syscall::MemoryAllocate:
      result = memory_allocate(*cpu.current, arg[0]);
      break;
    case Syscall::MemoryFree:
      resume = memory_free(cpu, frame, entry.now, arg[0], arg[1], result);
      break;
    case Syscall::GetPriority:
      result = cpu.current->priority;
      break;
    case Syscall::SetPriority:
      // Lowering is always allowed; raising only back up to the ceiling the
      // task was created with. The new priority weighs its next turn.
      if (arg[0] > kMaxPriority) {
        result = kEINVAL;
      } else if (arg[0] > cpu.current->priority_ceiling) {
        result = kEPERM;
      } else {
        cpu.current->priority = static_cast<std::uint32_t>(arg[0]);
      }
      break;
    default:
      result = kENOSYS;
      break;
  }
  call.number = static_cast<std::uint64_t>(result);
  return leave_kernel(entry, cpu.syscall_paths[number < kSyscallSlots - 1 ? number : kSyscallSlots - 1], frame,
                      resume);
}

}  // namespace pristine
