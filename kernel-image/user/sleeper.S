// Ring-3 program "sleeper": count, sleep RSI nanoseconds, forever.
#include "syscalls.h"
        .section .user_text, "ax"
        .code64
        .global user_sleeper_main
        .type user_sleeper_main, @function
user_sleeper_main:
        movq %rdi, %rbx         // counter (callee-saved across syscalls)
        movq %rsi, %r12         // nanoseconds
1:      incq (%rbx)
        movl $SYS_SLEEP, %eax
        movq %r12, %rdi
        syscall
        jmp 1b
        .size user_sleeper_main, . - user_sleeper_main

        .section .note.GNU-stack, "", @progbits
