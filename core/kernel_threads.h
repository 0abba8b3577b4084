// Kernel threads started from BootInfo. The kernel counter is CPU-bound in
// ring 0 with interrupts enabled: the tick must preempt it and resume it with
// its own RSP and SS (kernel-mode preemption, seed 001's failure).
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/sched/scheduler.h"

namespace pristine {

// Cold path: create the kernel thread a boot task names (a
// PRISTINE_KERNEL_THREAD line of core/program_list.def) through its start
// function below; null if the program is not a kernel thread.
Task* create_boot_kernel_thread(const BootTask& task, sched::Placement where);

// The start functions the list names.
// A kernel thread that counts in a loop; its counter is its progress.
Task* create_kernel_counter(const BootTask& task, sched::Placement where);
// A kernel thread that recurses until its stack hits the guard page (a test
// of the #DF path: the kernel must report "kernel stack overflow").
Task* create_kernel_stack_overflow(const BootTask& task, sched::Placement where);

}  // namespace pristine
