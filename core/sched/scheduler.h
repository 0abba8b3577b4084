// Preemptive, weighted round-robin scheduling of the tasks on this CPU, with
// sleep and block/wake. The hot entry points take and return TrapFrames: the
// frame to resume is either the interrupted one or the next task's saved one.
// Everything here runs with interrupts disabled on the owning CPU: no locks
// (docs/scheduler.md).
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/cpu_local.h"
#include "core/sched/task.h"

namespace pristine::sched {

// Where a new task goes: a CPU, pinned or not (BootTask::cpu).
struct Placement {
  CpuId cpu;
  bool pinned;
};

// Cold path (boot CPU, before other CPUs run): create a ring-3 task running
// `program`, runnable on `where.cpu`.
Task* create_user_task(const char* name, UserProgram program, std::uint32_t priority, std::uint64_t arg,
                       Placement where);
// Cold path: create a kernel thread running `entry(arg)` in ring 0, with
// interrupts enabled (so the tick preempts it like any task).
Task* create_kernel_thread(const char* name, void (*entry)(std::uint64_t), std::uint64_t arg,
                           std::uint32_t priority, Placement where);
// Cold path: create CPU `cpu`'s idle task (a kernel thread that halts).
Task* create_idle_task(CpuId cpu);
// Cold path (boot CPU, after the boot tasks): make every unused task slot
// ready for spawn_user_task: its address space and kernel-stack guard, the
// work a spawn cannot afford on its path.
void prepare_spare_slots();
// Hot path (spawn syscall): a new ring-3 task running `program(arg)` in a
// spare slot, child of the running task (its priority and ceiling), queued
// on this CPU. Null if no slot is left.
Task* spawn_user_task(CpuLocal& cpu, UserProgram program, std::uint64_t arg, Cycles now);
// Hot path (thread_create syscall): a new thread of the running task's
// process at user address `entry` (the caller checked it is user code),
// called as entry(counter, arg) on the stack of its own spare slot, in the
// process's address space; queued on this CPU. Null if no slot is left.
Task* create_user_thread(CpuLocal& cpu, VirtAddr entry, std::uint64_t arg, Cycles now);
// Hot path (wait_child, thread_join): `task`'s exit was collected; its
// slot's memory is scrubbed and the slot may be taken again by a spawn or
// thread_create (docs/scheduler.md, "Task slots").
void release_slot(const Task& task);
// Hot path (wait syscalls): the wait()/wake() handshake (Task::wake_state).
// A waker calls claim_wake: true if the task was blocked waiting and the
// caller must make it runnable; false if it was not (a wake is now pending:
// its next wait returns at once).
bool claim_wake(Task& task);
// Hot path (wait syscalls, a kernel thread's machine::kernel_wait): consume a
// pending wake and resume `frame`, or block the running task until one comes.
TrapFrame* wait_for_wake(CpuLocal& cpu, TrapFrame* frame, Cycles now);
// The same handshake for a task blocked on a kernel object (core/sync/,
// Task::object_wake): only the object's own calls wake it, so it never
// returns before its event.
bool claim_object_wake(Task& task);
TrapFrame* wait_for_object(CpuLocal& cpu, TrapFrame* frame, Cycles now);
// The same with a deadline (kNever: none), for the IPC calls (core/sync/ipc.h):
// a timed waiter sleeps in this CPU's sleep list, blocked. At its deadline
// the tick asks sync::cancel_timed_wait whether it still waits: if so it
// returns -ETIMEDOUT (its frame's result set), else its peer's wake is on
// the way. Such a waiter must be woken on its own CPU (wake_blocked_at_home,
// wake_later_at_home), which takes it out of the sleep list as it arrives.
TrapFrame* wait_for_object_until(CpuLocal& cpu, TrapFrame* frame, Cycles now, Cycles deadline);
// Hot path: make a task whose wake the caller claimed runnable without
// preempting the caller (here at the back of the queue, or on another CPU
// through its inbox): for a path that switches away next, or wakes many.
void wake_later(CpuLocal& cpu, Cycles now, Task& task);
// wake_later on the task's own CPU (Task::cpu): for an IPC waiter.
void wake_later_at_home(CpuLocal& cpu, Cycles now, Task& task);

// Cold path: start running tasks on this CPU; never returns.
[[noreturn]] void start(CpuLocal& cpu);

// The hot entry points take the path's entry stamp `now` (core/kernel_entry.h)
// and return the frame to resume.

// Hot path, from the tick's slow path (core/time/timer_tick.cpp): wake due
// sleepers; end the running task's turn when it is over (turns are measured
// on the tick grid: CpuLocal::turn_ends_at); preempt for a woken task that
// outranks the running one.
TrapFrame* on_tick(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Hot path: a sleeper's deadline has passed (the sleep list is sorted).
inline bool sleeper_due(const CpuLocal& cpu, Cycles now) {
  return cpu.sleepers != nullptr && cpu.sleepers->wake_at <= now;
}

// Hot path, the tick's periodic chores: one balancing look. Gives one
// unpinned queued task to a less loaded CPU, probing one CPU per look;
// true if it moved one.
bool balance(CpuLocal& cpu);

// Hot path: switch to this CPU's idle task now (the running task stays runnable).
TrapFrame* switch_to_idle(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Hot path (syscalls): give up the turn; sleep until `deadline`; end the task.
TrapFrame* yield(CpuLocal& cpu, TrapFrame* frame, Cycles now);
TrapFrame* sleep_until(CpuLocal& cpu, TrapFrame* frame, Cycles now, Cycles deadline);
TrapFrame* exit_current(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::int64_t code);

// Block the running task until it is woken (hot path).
TrapFrame* block_current(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Hot path (wake syscall): make a blocked task runnable, on its last CPU when
// that one is idle or still holds the task's stack, else on an idle CPU, else
// its last one. Another CPU gets it through its inbox and a reschedule IPI.
// Returns the frame to resume here (the woken task may preempt the caller).
TrapFrame* wake_blocked(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task);

// Hot path: make a blocked task runnable on the CPU it blocked on (through
// that CPU's inbox when it is another one). For a task whose CPU is certain
// to be the right one and whose waker must do bounded work: a shootdown's
// initiator, woken from another CPU's IPI handler.
TrapFrame* wake_blocked_at_home(CpuLocal& cpu, TrapFrame* frame, Cycles now, Task& task);

// Hot path (reschedule IPI): take in the tasks other CPUs sent here.
TrapFrame* on_reschedule(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Cold path, idle task only: true once the run is over (BootInfo::run_cycles).
bool shutdown_due(const CpuLocal& cpu);

}  // namespace pristine::sched
