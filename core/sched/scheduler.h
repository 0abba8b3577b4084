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

// Cold path: create a ring-3 task running `program`, runnable on this CPU.
Task* create_user_task(const char* name, UserProgram program, std::uint32_t priority, std::uint64_t arg);
// Cold path: create a kernel thread running `entry(arg)` in ring 0, with
// interrupts enabled (so the tick preempts it like any task).
Task* create_kernel_thread(const char* name, void (*entry)(std::uint64_t), std::uint64_t arg,
                           std::uint32_t priority);
// Cold path: create this CPU's idle task (a kernel thread that halts).
Task* create_idle_task();
// Cold path: start running tasks on this CPU; never returns.
[[noreturn]] void start(CpuLocal& cpu);

// Hot path, from the timer tick at time `now`: wake due sleepers, charge the
// tick, preempt when the slice is used up or a woken task outranks the
// running one.
TrapFrame* on_tick(CpuLocal& cpu, TrapFrame* frame, Cycles now);

// Hot path: switch to this CPU's idle task now (the running task stays runnable).
TrapFrame* switch_to_idle(CpuLocal& cpu, TrapFrame* frame);

// Hot path (syscalls): give up the slice; sleep until `deadline`; end the task.
TrapFrame* yield(CpuLocal& cpu, TrapFrame* frame);
TrapFrame* sleep_until(CpuLocal& cpu, TrapFrame* frame, Cycles deadline);
TrapFrame* exit_current(CpuLocal& cpu, TrapFrame* frame, std::int64_t code);

// Block the running task until wake() (hot path), and make a blocked or
// sleeping task runnable again (any context on the owning CPU, interrupts off).
TrapFrame* block_current(CpuLocal& cpu, TrapFrame* frame);
void wake(CpuLocal& cpu, Task& task);

// Cold path, idle task only: true once the run is over (BootInfo::run_cycles).
bool shutdown_due(const CpuLocal& cpu);

}  // namespace pristine::sched
