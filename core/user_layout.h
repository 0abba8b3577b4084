/* Layout of the per-task ring-3 slots (kernel-image/user/user_data.S), shared
 * by the kernel, the ring-3 assembly and the simulator. A slot is a guard page
 * (never mapped, so a stack overflow faults), the 16 KiB stack, the page
 * holding the task's progress counter, then a 16 KiB heap. On the PC the
 * stack and the heap are demand-zero: mapped on first touch. Plain #defines:
 * included from assembly too. */
#pragma once

#define PRISTINE_USER_SLOTS 26            /* kMaxTasks: boot tasks, idle tasks, driver threads */
#define PRISTINE_USER_GUARD_SIZE 4096
#define PRISTINE_USER_STACK_SIZE 16384
#define PRISTINE_USER_COUNTER_SIZE 4096
#define PRISTINE_USER_HEAP_SIZE 16384
#define PRISTINE_USER_SLOT_SIZE \
  (PRISTINE_USER_GUARD_SIZE + PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE)
