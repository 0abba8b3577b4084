// Kernel threads started from BootInfo. The kernel counter is CPU-bound in
// ring 0 with interrupts enabled: the tick must preempt it and resume it with
// its own RSP and SS (kernel-mode preemption, seed 001's failure).
#pragma once

#include <cstdint>

#include "core/sched/scheduler.h"

namespace pristine {

// Cold path: a kernel thread that counts in a loop; its counter is its progress.
Task* create_kernel_counter(const char* name, std::uint32_t priority, sched::Placement where);

// Cold path: a kernel thread that recurses until its stack hits the guard
// page (a test of the #DF path: the kernel must report "kernel stack overflow").
Task* create_kernel_stack_overflow(const char* name, sched::Placement where);

}  // namespace pristine
