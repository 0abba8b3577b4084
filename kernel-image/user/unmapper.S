// Ring-3 program "unmapper": count, write a word on the next page of its heap
// (mapped again on demand, zero-filled), unmap that page, forever. Every
// unmap is a TLB shootdown to every other CPU.
#include "core/user_layout.h"
#include "syscalls.h"
        .section .user_text, "ax"
        .code64
        .global user_unmapper_main
        .type user_unmapper_main, @function
user_unmapper_main:
        movq %rdi, %rbx                                 // the progress counter
        leaq PRISTINE_USER_COUNTER_SIZE(%rdi), %r12     // the heap
        xorl %r13d, %r13d                               // offset of the page in the heap
1:      incq (%rbx)
        leaq (%r12, %r13), %rdi
        cmpq $0, (%rdi)                 // a page mapped again reads zero
        jne 3f
        movq %rbx, (%rdi)
        movl $SYS_UNMAP, %eax
        syscall
        testq %rax, %rax
        jnz 3f
        addq $4096, %r13
        andq $(PRISTINE_USER_HEAP_SIZE - 1), %r13
        jmp 1b
3:      movl $SYS_EXIT, %eax
        movl $1, %edi
        syscall
        .size user_unmapper_main, . - user_unmapper_main

        .section .note.GNU-stack, "", @progbits
