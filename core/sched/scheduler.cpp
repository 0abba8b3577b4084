#include "core/sched/scheduler.h"

#include "core/drivers/device_files.h"
#include "core/drivers/user_interrupts.h"
#include "core/syscall/file_calls.h"
#include "core/sync/ipc.h"
#include "core/sync/mutex.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/panic.h"
#include "core/power_off.h"
#include "core/program_registry.h"
#include "core/interrupt/vectors.h"
#include "core/sched/cpu_inbox.h"
#include "core/sched/sleep_list.h"
#include "core/smp/cpu_set.h"
#include "core/test_hook.h"
#include "core/user_programs.h"

pristine::TaskTable pristine_tasks = {};

namespace pristine::sched {
namespace {

// Each kernel stack's lowest page is a guard (never mapped): an overflow
// faults there instead of silently corrupting the stack below it.
alignas(4096) std::uint8_t g_kernel_stacks[kMaxTasks][kKernelStackSize];

// The spare slots' address spaces, built at boot (prepare_spare_slots).
constinit PhysAddr g_spare_spaces[kMaxTasks] = {};

static_assert(kMaxTasks <= 32, "one bit per slot in TaskTable::collected");

Task* allocate_task(const char* name, Placement where) {
  if (pristine_tasks.count == kMaxTasks) panic("task table full");
  const TaskId id = pristine_tasks.count++;
  Task& task = pristine_tasks.tasks[id];
  task.id = id;
  task.state = TaskState::Runnable;
  task.fault_vector = kNoFault;
  task.turn_left = kFreshTurn;
  task.cpu = where.cpu;
  task.pinned_cpu = where.pinned ? where.cpu : CpuId{kAnyCpu};
  task.parent = kNoParent;
  task.parent_id = kNoParent;
  task.process = id;
  task.process_id = id;
  task.kernel_stack_top = address_of(&g_kernel_stacks[id][kKernelStackSize]);
  machine::unmap_kernel_page(address_of(&g_kernel_stacks[id][0]));
  std::uint32_t i = 0;
  for (; name[i] != '\0' && i + 1 < kTaskNameLength; ++i) task.name[i] = name[i];
  task.name[i] = '\0';
  machine::init_fpu_state(task.fpu);
  return &task;
}

// The idle task: halt until the next interrupt; when the run is over, the
// boot CPU's reports (cold path, interrupts off so no tick preempts the
// report; it stops the other CPUs first) and powers off.
// The idle task never leaves its CPU, so its CpuLocal is found once: a wake
// from halt goes straight back to halt. Only the boot CPU keeps the deadline.
void idle_loop(std::uint64_t) {
  CpuLocal& cpu = this_cpu();
  const bool keeps_deadline = machine::cpu_id() == 0;
  for (;;) {
    if (keeps_deadline && shutdown_due(cpu)) {
      machine::irq_disable();
      power_off_with_report();
    }
    machine::halt_until_interrupt();
  }
}

std::uint32_t slice_of(const CpuLocal& cpu, const Task& task) {
  return cpu.slice_ticks * (task.priority + 1);
}

// A fresh turn, counted from the next tick: the turn is over at the
// slice_of-th tick from now (the first tick charges the part-period since
// the switch, as a tick-counted slice always did).
PRISTINE_HOT Cycles fresh_turn(const CpuLocal& cpu, const Task& task) {
  return Cycles{(std::uint64_t{slice_of(cpu, task)} - 1) * cpu.tick_period};
}

PRISTINE_HOT void add_load(CpuLocal& cpu, std::int32_t delta) {
  cpu.load.store(cpu.load.load(std::memory_order_relaxed) + static_cast<std::uint32_t>(delta),
                 std::memory_order_relaxed);
}

PRISTINE_HOT void make_runnable(CpuLocal& cpu, Task& task, Cycles now) {
  task.state = TaskState::Runnable;
  task.runnable_since = now;
  cpu.run_queue.push_back(task);
}

// A task preempted before the end of its turn goes back to the head of the
// queue and keeps what is left of its turn (switch_to keeps it).
PRISTINE_HOT void requeue_preempted(CpuLocal& cpu, Task& task, Cycles now) {
  task.state = TaskState::Runnable;
  task.runnable_since = now;
  cpu.run_queue.push_front(task);
}

// `task` takes this CPU at `now`: it runs, and its turn (the rest of one, or
// a fresh one) ends on the tick grid; the idle task's never does.
[[gnu::always_inline]] inline void run_on(CpuLocal& cpu, Task& task, Cycles now) {
  task.state = TaskState::Running;
  task.running_since = now;
  task.switches_in++;
  task.on_cpu.store(1, std::memory_order_relaxed);
  task.cpus_run |= smp::bit(cpu.id);
  cpu.current = &task;
  cpu.turn_ends_at = &task == cpu.idle ? kNever
                                       : Cycles{cpu.next_deadline + (task.turn_left != kFreshTurn ? task.turn_left
                                                                                                  : fresh_turn(cpu, task))};
  plan_housekeeping(cpu);
}

// The switch itself: the outgoing task's frame is saved, the incoming task's
// machine state loaded. Interrupts are off. The caller has already put `prev`
// where it belongs (run queue, sleep list, or nowhere); a caller that ended
// prev's turn set turn_ends_at before the next tick.
PRISTINE_HOT TrapFrame* switch_to(CpuLocal& cpu, Task& prev, TrapFrame* prev_frame, Task& next,
                                  Cycles now) {
  prev.frame = prev_frame;
  prev.run_cycles += now - prev.running_since;
  prev.turn_left = cpu.turn_ends_at >= cpu.next_deadline ? Cycles{cpu.turn_ends_at - cpu.next_deadline} : kFreshTurn;
  if (cpu.fpu_live) {
    machine::fpu_save_and_trap(prev.fpu);
    cpu.fpu_live = false;
  }
  machine::set_kernel_stack(next.kernel_stack_top);
  if (next.address_space != prev.address_space && next.address_space != 0) {
    machine::switch_address_space(next.address_space);
    cpu.loaded_space.store(next.address_space, std::memory_order_release);
  }
  if (&next != cpu.idle) {
    const Cycles waited = now - next.runnable_since;
    next.wait_cycles += waited;
    if (waited > next.max_wait) next.max_wait = waited;
  }
  run_on(cpu, next, now);
  cpu.leaving = &prev;
  bump(cpu.switches);
  return next.frame;
}

// Switch away from the running task, which the caller has already queued,
// parked or ended, to the next runnable task or idle.
PRISTINE_HOT TrapFrame* switch_away(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  Task* next = cpu.run_queue.pop_front();
  return switch_to(cpu, *cpu.current, frame, next ? *next : *cpu.idle, now);
}

// Wake the first sleeper, whose deadline has passed: one per tick, so the
// tick's cost stays bounded however many deadlines fall on it (a sleeper
// still due keeps housekeeping_at due, and the next tick wakes it). Returned
// (not queued) if it outranks `current`, so the caller can run it at once;
// else it joins the back of the queue.
PRISTINE_HOT Task* wake_first_sleeper(CpuLocal& cpu, const Task& current, Cycles now) {
  Task& task = *cpu.sleepers;
  cpu.sleepers = task.next;
  if (PRISTINE_UNLIKELY(task.timed_wait != 0)) {
    // An IPC wait's deadline: it times out only if its bit was still in the
    // object (or the pollers mask); else a peer took it and wakes it here.
    task.timed_wait = 0;
    if (!sync::cancel_timed_wait(task)) return nullptr;
    // Its bit was ours to take, so its wake is: it blocked (object_wake is
    // Waiting) and nobody else will claim it. No second CAS, and its frame
    // already says -ETIMEDOUT (set when it blocked with a deadline).
    task.object_wake.store(kWakeNone, std::memory_order_relaxed);
  }
  add_load(cpu, 1);
  task.wakeups++;
  if (now - task.wake_at > task.max_wake_latency) task.max_wake_latency = now - task.wake_at;
  task.runnable_since = now;
  if (task.priority > current.priority) {
    task.state = TaskState::Runnable;
    return &task;
  }
  make_runnable(cpu, task, now);
  return nullptr;
}

// Give `task` to another CPU: into its inbox, then a reschedule IPI (the
// owner moves it into its run queue: docs/smp.md).
PRISTINE_HOT void send_to(CpuId target, Task& task) {
  inbox_push(pristine_cpu_local[target], task);
  machine::send_ipi(target, vectors::kIpiReschedule);
}

// Where a woken task should run (wake_blocked's rule).
PRISTINE_HOT CpuId wake_target(const Task& task) {
  if (task.pinned_cpu != kAnyCpu) return task.pinned_cpu;
  const CpuId last = task.cpu;
  if (pristine_cpu_local[last].load.load(std::memory_order_relaxed) == 0) return last;
  if (task.on_cpu.load(std::memory_order_acquire) != 0) return last;
  for (smp::CpuMask cpus = smp::online_cpus(); cpus != 0; cpus &= cpus - 1) {
    const auto id = static_cast<CpuId>(__builtin_ctz(cpus));
    if (pristine_cpu_local[id].load.load(std::memory_order_relaxed) == 0) return id;
  }
  return last;
}

// A task another CPU woke or moved arrives here: it is this CPU's now. A
// woken task's wait starts now; a moved one keeps waiting since it was queued.
// An IPC waiter woken by a peer arrives on its own CPU: its call's result
// into its frame, final by now (the CPU it blocked on has left its stack),
// and out of the sleep list if it had a deadline. Out of line: the wake
// paths that inline arrive() keep their registers (a call inlined there
// cost the reschedule IPI 60 cycles).
[[gnu::noinline]] PRISTINE_HOT void deliver_ipc_result(CpuLocal& cpu, Task& task) {
  task.ipc_deliver = 0;
  machine::set_syscall_result(*task.frame, task.ipc_result);
  if (task.timed_wait != 0) {
    task.timed_wait = 0;
    sleep_list_remove(cpu.sleepers, task);
  }
}

PRISTINE_HOT void arrive(CpuLocal& cpu, Task& task, Cycles now) {
  task.cpu = cpu.id;
  add_load(cpu, 1);
  if (task.state != TaskState::Runnable) {
    // Woken, not moved.
    if (PRISTINE_UNLIKELY(task.ipc_deliver != 0)) deliver_ipc_result(cpu, task);
    task.state = TaskState::Runnable;
    task.runnable_since = now;
  }
}

// Run an arrived task at once if this CPU was idle or it outranks the running
// task, else queue it.
PRISTINE_HOT TrapFrame* admit(CpuLocal& cpu, TrapFrame* frame, Task& task, Cycles now) {
  arrive(cpu, task, now);
  Task& current = *cpu.current;
  if (&current != cpu.idle && task.priority <= current.priority) {
    cpu.run_queue.push_back(task);
    return frame;
  }
  if (&current != cpu.idle) requeue_preempted(cpu, current, now);
  return switch_to(cpu, current, frame, task, now);
}

// Make a blocked task runnable on `target`: here, or through its inbox.
[[gnu::always_inline]] inline TrapFrame* wake_on(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task,
                                                 CpuId target) {
  if (target == cpu.id) return admit(cpu, frame, task, now);
  send_to(target, task);
  bump(cpu.remote_wakes);
  return frame;
}

}  // namespace

Task* create_user_task(const char* name, UserProgram program, std::uint32_t priority, std::uint64_t arg,
                       Placement where) {
  Task* task = allocate_task(name, where);
  const UserProgramImage image = user_program(program, task->id, arg);
  task->is_user = 1;
  task->priority = priority > kMaxPriority ? kMaxPriority : priority;
  task->priority_ceiling = task->priority;
  task->progress_counter = image.progress_counter;
  task->address_space = machine::user_address_space(task->id, image.private_start, image.private_size);
  task->private_start = image.private_start;
  task->private_end = image.private_start + image.private_size;
  task->frame = machine::prepare_user_frame(task->kernel_stack_top, image.entry, image.stack_top,
                                            image.progress_counter, image.arg);
  CpuLocal& cpu = pristine_cpu_local[where.cpu];
  add_load(cpu, 1);
  make_runnable(cpu, *task, machine::now());
  return task;
}

void prepare_spare_slots() {
  for (TaskId id = pristine_tasks.count; id < kMaxTasks; ++id) {
    const UserProgramImage image = user_program(UserProgram::Counter, id, 0);  // the slot's layout: any program
    g_spare_spaces[id] = machine::user_address_space(id, image.private_start, image.private_size);
    machine::unmap_kernel_page(address_of(&g_kernel_stacks[id][0]));
  }
}

namespace {

// A reused slot forgets its last occupant: every field the table's
// readers or the calls look at starts again as in a fresh slot.
PRISTINE_HOT void forget_occupant(Task& task) {
  task.next = nullptr;
  task.inbox_next = nullptr;
  task.interrupt_lines = 0;
  task.devices_open = 0;
  task.files_writing = 0;
  task.switches_in = 0;
  task.ticks_run = 0;
  task.gave_up = 0;
  task.wake_at = Cycles{0};
  task.max_wait = Cycles{0};
  task.run_cycles = Cycles{0};
  task.wait_cycles = Cycles{0};
  task.exit_code = 0;
  task.wakeups = 0;
  task.max_wake_latency = Cycles{0};
  task.fault_ip = 0;
  task.fault_error = 0;
  task.fault_address = 0;
  task.pages_mapped = 0;
  task.migrations = 0;
  task.cpus_run = 0;
  for (fs::OpenFile& file : task.files) file.kind = fs::kFree;
  task.reaped = 0;
  task.slot_kept = 0;
  task.exit_waiter.store(nullptr, std::memory_order_relaxed);
  task.wake_state.store(kWakeNone, std::memory_order_relaxed);
  task.object_wake.store(kWakeNone, std::memory_order_relaxed);
  task.mutexes_held.store(0, std::memory_order_relaxed);
  task.heap_regions.store(0, std::memory_order_relaxed);
  task.profile.open = 0;
}

// A slot for a task the running one creates, its id claimed already
// (claim_collected or claim_id: CPUs may create at once): its fields set as
// the creator's child, with its stack and counter in the slot; the caller
// adds the address space and queues it.
PRISTINE_HOT Task* claim_spare_slot(CpuLocal& cpu, const char* name, const UserProgramImage& image,
                                    std::uint32_t id) {
  Task& parent = *cpu.current;
  Task& task = pristine_tasks.tasks[id];
  if (task.generation != 0) forget_occupant(task);
  task.generation = task.generation == kMaxGeneration ? 1 : task.generation + 1;
  task.id = id;
  task.fault_vector = kNoFault;
  task.turn_left = kFreshTurn;
  task.cpu = cpu.id;
  task.pinned_cpu = CpuId{kAnyCpu};
  task.kernel_stack_top = address_of(&g_kernel_stacks[id][kKernelStackSize]);
  std::uint32_t i = 0;
  for (; name[i] != '\0' && i + 1 < kTaskNameLength; ++i) task.name[i] = name[i];
  task.name[i] = '\0';
  machine::init_fpu_state(task.fpu);
  task.is_user = 1;
  task.priority = parent.priority;
  task.priority_ceiling = parent.priority_ceiling;
  task.parent = parent.id;
  task.parent_id = public_id(parent);
  task.progress_counter = image.progress_counter;
  task.private_start = image.private_start;
  task.private_end = image.private_start + image.private_size;
  task.frame = machine::prepare_user_frame(task.kernel_stack_top, image.entry, image.stack_top,
                                           image.progress_counter, image.arg);
  return &task;
}

// A collected slot `old` suits a new thread in `thread_space`, or a new
// process (thread_space 0), without anything of its last occupant reaching
// the new one: the occupant is off its kernel stack; a thread slot goes to
// a thread of the same address space only (its stack and heap pages are
// mapped there: the process's own memory); a process slot only if its
// process made no threads or kernel objects and no CPU has its space loaded
// (so no CPU caches its old pages, and recycle_user_slot may drop them).
PRISTINE_HOT bool suits(const Task& old, PhysAddr thread_space) {
  if (old.on_cpu.load(std::memory_order_acquire) != 0) return false;
  const bool was_thread = old.process != old.id;
  if (thread_space != 0) return was_thread && old.address_space == thread_space;
  if (was_thread || old.slot_kept != 0) return false;
  for (smp::CpuMask cpus = smp::online_cpus(); cpus != 0; cpus &= cpus - 1) {
    if (pristine_cpu_local[__builtin_ctz(cpus)].loaded_space.load(std::memory_order_acquire) == old.address_space) {
      return false;
    }
  }
  return true;
}

// A collected slot that suits, taken with one atomic and; false if none.
PRISTINE_HOT bool claim_collected(std::uint32_t& id, PhysAddr thread_space) {
  for (std::uint32_t left = pristine_tasks.collected.load(std::memory_order_acquire); left != 0; left &= left - 1) {
    const auto slot = static_cast<std::uint32_t>(__builtin_ctz(left));
    if (!suits(pristine_tasks.tasks[slot], thread_space)) continue;
    const std::uint32_t bit = std::uint32_t{1} << slot;
    if ((pristine_tasks.collected.fetch_and(~bit, std::memory_order_acq_rel) & bit) != 0) {
      id = slot;
      return true;
    }
  }
  return false;
}

PRISTINE_HOT bool claim_id(std::uint32_t& id) {
  std::atomic_ref<std::uint32_t> count(pristine_tasks.count);
  id = count.load(std::memory_order_relaxed);
  do {
    if (id >= kMaxTasks || g_spare_spaces[id] == 0) return false;
  } while (!count.compare_exchange_weak(id, id + 1, std::memory_order_acq_rel));
  return true;
}

}  // namespace

PRISTINE_HOT Task* spawn_user_task(CpuLocal& cpu, UserProgram program, std::uint64_t arg, Cycles now) {
  std::uint32_t id;
  const bool reused = claim_collected(id, 0);
  if (!reused && !claim_id(id)) return nullptr;
  Task& task = *claim_spare_slot(cpu, program_info(program)->name, user_program(program, id, arg), id);
  task.process = id;
  task.process_id = public_id(task);
  task.address_space = g_spare_spaces[id];
  // Its last occupant's pages were scrubbed at collection (release_slot).
  if (reused) machine::reset_user_counter(task.progress_counter);
  add_load(cpu, 1);
  make_runnable(cpu, task, now);
  return &task;
}

PRISTINE_HOT Task* create_user_thread(CpuLocal& cpu, VirtAddr entry, std::uint64_t arg, Cycles now) {
  std::uint32_t id;
  Task& creator = *cpu.current;
  const bool reused = claim_collected(id, creator.address_space);
  if (!reused && !claim_id(id)) return nullptr;
  UserProgramImage image = user_program(UserProgram::Counter, id, arg);  // the slot's layout
  image.entry = entry;
  Task& task = *claim_spare_slot(cpu, creator.name, image, id);
  // The creator's address space: its slot's stack and heap pages are mapped
  // there on first touch, like any task's (demand paging).
  task.process = creator.process;
  task.process_id = creator.process_id;
  task.address_space = creator.address_space;
  // A process that made threads keeps its slot for good (their pages live
  // in its address space).
  pristine_tasks.tasks[creator.process].slot_kept = 1;
  if (reused) machine::reset_user_counter(task.progress_counter);
  add_load(cpu, 1);
  make_runnable(cpu, task, now);
  return &task;
}

Task* create_kernel_thread(const char* name, void (*entry)(std::uint64_t), std::uint64_t arg,
                           std::uint32_t priority, Placement where) {
  Task* task = allocate_task(name, where);
  task->priority = priority > kMaxPriority ? kMaxPriority : priority;
  task->priority_ceiling = task->priority;
  task->frame = machine::prepare_kernel_frame(task->kernel_stack_top, entry, arg);
  CpuLocal& cpu = pristine_cpu_local[where.cpu];
  add_load(cpu, 1);
  make_runnable(cpu, *task, machine::now());
  return task;
}

Task* create_idle_task(CpuId cpu) {
  Task* task = allocate_task("idle", {cpu, true});
  task->frame = machine::prepare_kernel_frame(task->kernel_stack_top, idle_loop, 0);
  return task;
}

void start(CpuLocal& cpu) {
  Task* first = cpu.run_queue.pop_front();
  if (!first) first = cpu.idle;
  run_on(cpu, *first, machine::now());
  machine::set_kernel_stack(first->kernel_stack_top);
  if (first->address_space != 0) {
    machine::switch_address_space(first->address_space);
    cpu.loaded_space.store(first->address_space, std::memory_order_release);
  }
  machine::enter_frame(first->frame);
}

PRISTINE_HOT TrapFrame* on_tick(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  Task& current = *cpu.current;
  const bool sleepers_due = sleeper_due(cpu, now);
  if (&current == cpu.idle) {
    // On the idle task the woken sleeper just joins the queue.
    if (sleepers_due) {
      if (Task* urgent = wake_first_sleeper(cpu, current, now)) make_runnable(cpu, *urgent, now);
    }
    return cpu.run_queue.empty() ? frame : switch_away(cpu, frame, now);
  }
  PRISTINE_TEST_HOOK(turn_judged, cpu);
  // The turn is judged first, whatever happens next: a task preempted by
  // every wake-up must still use its turn up.
  const bool turn_over = now >= cpu.turn_ends_at;
  if (sleepers_due) {
    if (Task* urgent = wake_first_sleeper(cpu, current, now)) {
      if (turn_over) {
        make_runnable(cpu, current, now);
      } else {
        requeue_preempted(cpu, current, now);
      }
      return switch_to(cpu, current, frame, *urgent, now);
    }
  }
  if (!turn_over) return frame;
  if (cpu.run_queue.empty()) {
    cpu.turn_ends_at = cpu.next_deadline + fresh_turn(cpu, current);  // alone: another turn
    return frame;
  }
  make_runnable(cpu, current, now);
  return switch_away(cpu, frame, now);
}

// Give one unpinned queued task to a less loaded CPU (push balancing). Each
// look probes one other online CPU, the next one round-robin, so the cost is
// the same for 2 CPUs or 8. Only this CPU's queued tasks move: they are off
// its stack, so the target may run them at once. True if a task moved.
PRISTINE_HOT bool balance(CpuLocal& cpu) {
  const smp::CpuMask others = smp::online_cpus() & ~smp::bit(cpu.id);
  if (others == 0) return false;
  // The next online CPU above the last one probed, wrapping around.
  const smp::CpuMask above = others & ~((smp::bit(cpu.balance_probe) << 1) - 1);
  const auto target = static_cast<CpuId>(__builtin_ctz(above != 0 ? above : others));
  cpu.balance_probe = target;
  const std::uint32_t mine = cpu.load.load(std::memory_order_relaxed);
  if (mine < pristine_cpu_local[target].load.load(std::memory_order_relaxed) + 2) return false;
  Task* task = cpu.run_queue.take_first_unpinned();
  if (!task) return false;
  add_load(cpu, -1);
  task->migrations++;
  send_to(target, *task);
  return true;
}

PRISTINE_HOT TrapFrame* switch_to_idle(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  Task& current = *cpu.current;
  if (&current == cpu.idle) return frame;
  make_runnable(cpu, current, now);
  return switch_to(cpu, current, frame, *cpu.idle, now);
}

PRISTINE_HOT TrapFrame* yield(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  if (cpu.run_queue.empty()) return frame;
  cpu.turn_ends_at = Cycles{0};  // the turn is over: the next one is a fresh one
  cpu.current->gave_up++;
  make_runnable(cpu, *cpu.current, now);
  return switch_away(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* sleep_until(CpuLocal& cpu, TrapFrame* frame, Cycles now, Cycles deadline) {
  Task& task = *cpu.current;
  if (deadline <= now) return yield(cpu, frame, now);
  task.state = TaskState::Sleeping;
  task.gave_up++;
  task.wake_at = deadline;
  cpu.turn_ends_at = Cycles{0};  // a fresh turn after the sleep
  sleep_list_insert(cpu.sleepers, task);
  add_load(cpu, -1);
  return switch_away(cpu, frame, now);
}

namespace {

// The handshake of Task::wake_state and Task::object_wake alike.
PRISTINE_HOT bool claim(std::atomic<std::uint32_t>& handshake) {
  std::uint32_t state = handshake.load(std::memory_order_acquire);
  for (;;) {
    if (state == kWakePending) return false;
    const std::uint32_t next = state == kWakeWaiting ? kWakeNone : kWakePending;
    if (handshake.compare_exchange_weak(state, next, std::memory_order_acq_rel)) break;
  }
  return state == kWakeWaiting;
}

// Block on `handshake` unless a wake is pending. With a deadline the task
// also waits in its CPU's sleep list, blocked: the tick that reaches it
// takes it out (wake_first_sleeper, an IPC timeout) unless a peer woke it.
PRISTINE_HOT TrapFrame* wait_on(std::atomic<std::uint32_t>& handshake, CpuLocal& cpu, TrapFrame* frame, Cycles now,
                                Cycles deadline = kNever) {
  std::uint32_t expected = kWakeNone;
  if (!handshake.compare_exchange_strong(expected, kWakeWaiting, std::memory_order_acq_rel)) {
    handshake.store(kWakeNone, std::memory_order_relaxed);  // it was Pending: only the task clears it
    return frame;
  }
  if (deadline != kNever) {
    Task& task = *cpu.current;
    task.wake_at = deadline;
    task.timed_wait = 1;
    sleep_list_insert(cpu.sleepers, task);
  }
  return block_current(cpu, frame, now);
}

// A wake that never switches here: `task` queued on this CPU if `target` is
// this one, else sent there.
PRISTINE_HOT void wake_later_on(CpuLocal& cpu, Cycles now, Task& task, CpuId target) {
  if (target == cpu.id) {
    arrive(cpu, task, now);
    cpu.run_queue.push_back(task);
  } else {
    send_to(target, task);
    bump(cpu.remote_wakes);
  }
}

}  // namespace

PRISTINE_HOT bool claim_wake(Task& task) { return claim(task.wake_state); }

PRISTINE_HOT TrapFrame* wait_for_wake(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  return wait_on(cpu.current->wake_state, cpu, frame, now);
}

PRISTINE_HOT bool claim_object_wake(Task& task) { return claim(task.object_wake); }

PRISTINE_HOT void release_slot(const Task& task) {
  // Nothing of it may reach a next occupant: its counter page (but the
  // count, for the reports) zeroed; a process's stack and heap pages dropped
  // from its address space (demand-zero again). A thread's stack and heap
  // stay mapped in its process's space, with their bytes: the process's
  // own memory, which only a thread of that process may reuse (dropping
  // them would take a shootdown: other CPUs may run the process).
  const bool thread = task.process != task.id;
  machine::scrub_user_slot(task.address_space, task.private_start, task.progress_counter, !thread);
  pristine_tasks.collected.fetch_or(std::uint32_t{1} << task.id, std::memory_order_release);
}

PRISTINE_HOT TrapFrame* wait_for_object(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  return wait_on(cpu.current->object_wake, cpu, frame, now);
}

PRISTINE_HOT TrapFrame* wait_for_object_until(CpuLocal& cpu, TrapFrame* frame, Cycles now, Cycles deadline) {
  return wait_on(cpu.current->object_wake, cpu, frame, now, deadline);
}

PRISTINE_HOT void wake_later_at_home(CpuLocal& cpu, Cycles now, Task& task) { wake_later_on(cpu, now, task, task.cpu); }

PRISTINE_HOT void wake_later(CpuLocal& cpu, Cycles now, Task& task) { wake_later_on(cpu, now, task, wake_target(task)); }

// What an exiting task held for others: its device lines, its devices and the
// files it was writing (one test on the exit path for all three).
PRISTINE_HOT static void release_holds(Task& task) {
  if ((task.interrupt_lines | task.devices_open) != 0) drivers::release_task_devices(task);
  if (task.files_writing != 0) release_file_writers(task);
}

PRISTINE_HOT TrapFrame* exit_current(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::int64_t code) {
  Task& task = *cpu.current;
  task.exit_code = code;
  task.gave_up++;  // its last stint ended with it, not by the scheduler
  add_load(cpu, -1);
  // Device lines it bound, devices it held open and files it was writing go
  // back (a ring-3 driver, a device's reader or a writer that died or
  // faulted; one test for all),
  // and the mutexes it held pass to their next waiters.
  if (PRISTINE_UNLIKELY((task.interrupt_lines | task.devices_open | task.files_writing) != 0)) release_holds(task);
  if (PRISTINE_UNLIKELY(task.mutexes_held.load(std::memory_order_relaxed) != 0)) sync::release_mutexes(cpu, task, now);
  std::atomic_ref<TaskState> state(task.state);
  // Nobody waits for a boot task (only a parent can: wait_child).
  if (task.parent == kNoParent) {
    state.store(TaskState::Dead, std::memory_order_release);
    return switch_away(cpu, frame, now);
  }
  // A spawned task's parent may wait in wait_child: dead first, then the
  // waiter taken, both full barriers paired with the parent's (one of the
  // two sees the other). The parent is made runnable, never run at once
  // (this path switches away next, and takes it from the queue if first).
  state.store(TaskState::Dead, std::memory_order_seq_cst);
  if (Task* waiter = task.exit_waiter.exchange(nullptr, std::memory_order_seq_cst); waiter && claim_wake(*waiter)) {
    wake_later(cpu, now, *waiter);
  }
  return switch_away(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* block_current(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  cpu.current->state = TaskState::Blocked;
  cpu.current->gave_up++;
  add_load(cpu, -1);
  return switch_away(cpu, frame, now);
}

PRISTINE_HOT TrapFrame* wake_blocked_at_home(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task) {
  return wake_on(cpu, frame, now, task, task.cpu);
}

PRISTINE_HOT TrapFrame* wake_blocked(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task) {
  return wake_on(cpu, frame, now, task, wake_target(task));
}

PRISTINE_HOT TrapFrame* on_reschedule(CpuLocal& cpu, TrapFrame* frame, Cycles now) {
  Task* arrived = inbox_take_all(cpu);
  TrapFrame* resume = frame;
  while (arrived) {
    Task& task = *arrived;
    arrived = task.inbox_next;
    task.inbox_next = nullptr;
    // Only the first arrival can preempt: after a switch the rest just queue.
    if (resume == frame) {
      resume = admit(cpu, frame, task, now);
    } else {
      arrive(cpu, task, now);
      cpu.run_queue.push_back(task);
    }
  }
  return resume;
}

bool shutdown_due(const CpuLocal& cpu) {
  return cpu.shutdown_at != 0 && machine::now() >= cpu.shutdown_at;
}

}  // namespace pristine::sched
