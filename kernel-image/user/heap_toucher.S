// Ring-3 program "heap-toucher": writes one word on every page of its heap
// (the 16 KiB above its counter page, core/user_layout.h), which the PC maps
// on first touch (demand-zero), checks the pages read back zero-filled but for
// its word, then counts forever.
#include "core/user_layout.h"
#include "syscalls.h"

        .section .user_text, "ax"
        .code64
        .global user_heap_toucher_main
        .type user_heap_toucher_main, @function
user_heap_toucher_main:
        leaq PRISTINE_USER_COUNTER_SIZE(%rdi), %rsi     // the heap
        xorl %ecx, %ecx
1:      cmpq $0, 8(%rsi, %rcx)          // a fresh page must read zero
        jne 3f
        movq %rcx, (%rsi, %rcx)
        addq $4096, %rcx
        cmpq $PRISTINE_USER_HEAP_SIZE, %rcx
        jne 1b
2:      incq (%rdi)
        jmp 2b
3:      movl $SYS_EXIT, %eax            // exit(1): the page was not zeroed
        movl $1, %edi
        syscall
        .size user_heap_toucher_main, . - user_heap_toucher_main

        .section .note.GNU-stack, "", @progbits
