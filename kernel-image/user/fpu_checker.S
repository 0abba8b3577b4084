// Ring-3 program "fpu-checker": keeps its counter's address in xmm0 and the
// x87 stack, counts, and checks both every round. The kernel loads a task's
// FPU state lazily (docs/fpu.md): a switch that lost or mixed up the state
// shows as a changed register, and the task exits with code 1.
#include "syscalls.h"
        .section .user_text, "ax"
        .code64
        .global user_fpu_checker_main
        .type user_fpu_checker_main, @function
user_fpu_checker_main:
        movq %rdi, %xmm0                // the first FPU instruction: traps once per switch-in
        pushq %rdi
        fildq (%rsp)                    // st(0) = the same address, as an integer
        popq %rax
1:      incq (%rdi)
        movq %xmm0, %rax
        cmpq %rdi, %rax
        jne 2f
        subq $8, %rsp
        fistpq (%rsp)                   // store and pop st(0) ...
        fildq (%rsp)                    // ... and load it back
        popq %rax
        cmpq %rdi, %rax
        je 1b
2:      movl $SYS_EXIT, %eax
        movl $1, %edi
        syscall
        .size user_fpu_checker_main, . - user_fpu_checker_main

        .section .note.GNU-stack, "", @progbits
