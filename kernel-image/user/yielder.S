// Ring-3 program "yielder": count, yield, forever.
#include "syscalls.h"
        .section .user_text, "ax"
        .code64
        .global user_yielder_main
        .type user_yielder_main, @function
user_yielder_main:
        movq %rdi, %rbx
1:      incq (%rbx)
        movl $SYS_YIELD, %eax
        syscall
        jmp 1b
        .size user_yielder_main, . - user_yielder_main

        .section .note.GNU-stack, "", @progbits
