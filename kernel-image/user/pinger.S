// Ring-3 program "pinger": count, wake the partner task (arg: its task
// index), wait until the partner wakes us, forever. Two pingers on different
// CPUs wake each other across CPUs: reschedule IPIs.
#include "syscalls.h"
        .section .user_text, "ax"
        .code64
        .global user_pinger_main
        .type user_pinger_main, @function
user_pinger_main:
        movq %rdi, %rbx                 // the progress counter
        movq %rsi, %r12                 // the partner
1:      incq (%rbx)
        movl $SYS_WAKE, %eax
        movq %r12, %rdi
        syscall
        testq %rax, %rax
        jnz 2f
        movl $SYS_WAIT, %eax
        syscall
        jmp 1b
2:      movl $SYS_EXIT, %eax            // wake refused: a wrong partner index
        movl $1, %edi
        syscall
        .size user_pinger_main, . - user_pinger_main

        .section .note.GNU-stack, "", @progbits
