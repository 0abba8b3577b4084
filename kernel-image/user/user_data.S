// Per-task ring-3 memory: one slot per task, page-aligned, laid out as in
// core/user_layout.h (guard page, stack, counter page). On the PC each task's
// address space maps only its own stack and counter page; the simulator
// unmaps every guard page.
#include "core/user_layout.h"

        .section .user_bss, "aw", @nobits
        .balign 4096
        .global user_slots
user_slots:
        .skip PRISTINE_USER_SLOTS * PRISTINE_USER_SLOT_SIZE

        .section .note.GNU-stack, "", @progbits
