// Per-task ring-3 memory: one slot per task (kMaxTasks in core/sched/task.h),
// page-aligned so that on the PC each task's address space maps only its own
// slot: a page holding its progress counter, then its 16 KiB stack.
        .set MAX_TASKS, 17
        .set SLOT_SIZE, 4096 + 16384

        .section .user_bss, "aw", @nobits
        .balign 4096
        .global user_slots
user_slots:
        .skip MAX_TASKS * SLOT_SIZE

        .section .note.GNU-stack, "", @progbits
