// Ring-3 data shared by the user programs: one progress counter and one stack
// per task slot (kMaxTasks in core/sched/task.h).
        .set MAX_TASKS, 17
        .set USER_STACK_SIZE, 16384

        .section .user_data, "aw"
        .balign 64
        .global user_progress_counters
user_progress_counters:
        .fill MAX_TASKS * 8, 8, 0   // one 64-byte line per counter: no false sharing

        .section .user_bss, "aw", @nobits
        .balign 4096
        .global user_stacks
user_stacks:
        .skip MAX_TASKS * USER_STACK_SIZE

        .section .note.GNU-stack, "", @progbits
