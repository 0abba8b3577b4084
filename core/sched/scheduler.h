// Preemptive round-robin scheduling of the tasks on this CPU. The hot entry
// points take and return TrapFrames: the frame to resume is either the
// interrupted one or the next task's saved frame.
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/cpu_local.h"
#include "core/sched/task.h"

namespace pristine::sched {

// Cold path: create a ring-3 task running `program`, runnable on this CPU.
Task* create_user_task(const char* name, UserProgram program, std::uint32_t priority);
// Cold path: create this CPU's idle task (a kernel thread that halts).
Task* create_idle_task();
// Cold path: start running tasks on this CPU; never returns.
[[noreturn]] void start(CpuLocal& cpu);

// Hot path, from the timer tick: charge the tick to the running task and
// preempt it when its slice is used up and another task is runnable.
TrapFrame* on_tick(CpuLocal& cpu, TrapFrame* frame);

// Hot path: end the running task (a ring-3 fault) and switch away from it.
TrapFrame* exit_current(CpuLocal& cpu, TrapFrame* frame);

}  // namespace pristine::sched
