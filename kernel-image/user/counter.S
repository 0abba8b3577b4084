// Ring-3 program "counter": counts forever at the address in RDI.
// The count is the task's forward progress, read by the shutdown report and
// the simulator.
        .section .user_text, "ax"
        .code64
        .global user_counter_main
        .type user_counter_main, @function
user_counter_main:
1:      incq (%rdi)
        jmp 1b
        .size user_counter_main, . - user_counter_main

        .section .note.GNU-stack, "", @progbits
