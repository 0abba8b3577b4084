// Ring-3 program "syscall-check": calls every system call with good and bad
// arguments and checks each result; counts one round of checks at a time.
// A wrong result ends the task with exit(1) + the number of the failed check,
// so a kernel that crashes, accepts a bad pointer or returns the wrong error
// shows up in the report.
#include "syscalls.h"
        .section .user_text, "ax"
        .code64

        // check N, expected: compare RAX with `expected`, exit(100 + N) if different.
        .macro check n, expected
        cmpq $\expected, %rax
        je 9f
        movl $SYS_EXIT, %eax
        movq $(100 + \n), %rdi
        syscall
9:
        .endm

        .global user_syscall_check_main
        .type user_syscall_check_main, @function
user_syscall_check_main:
        movq %rdi, %rbx
1:
        movl $SYS_WRITE, %eax           // 1: a kernel pointer is refused
        movabsq $0xffffffff80100000, %rdi
        movl $4, %esi
        syscall
        check 1, EFAULT
        movl $SYS_WRITE, %eax           // 2: a null pointer is refused
        xorl %edi, %edi
        movl $4, %esi
        syscall
        check 2, EFAULT
        movl $SYS_WRITE, %eax           // 3: a wrapping range is refused
        leaq message(%rip), %rdi
        movq $-1, %rsi
        syscall
        check 3, EINVAL
        movl $SYS_WRITE, %eax           // 4: a range running past the user region is refused
        leaq message(%rip), %rdi
        movl $4096, %esi
        movabsq $0x7ffffffff000, %rdi
        syscall
        check 4, EFAULT
        movl $99, %eax                  // 5: an unknown call
        syscall
        check 5, ENOSYS
        movl $SYS_SLEEP, %eax           // 6: an absurd sleep
        movq $-1, %rdi
        syscall
        check 6, EINVAL
        movl $SYS_GETPID, %eax          // 7: getpid is stable
        syscall
        movq %rax, %r12
        movl $SYS_GETPID, %eax
        syscall
        cmpq %rax, %r12
        jne 8f
        movl $SYS_YIELD, %eax           // 8: yield returns 0
        syscall
        check 8, 0
        incq (%rbx)
        jmp 1b
8:      movl $SYS_EXIT, %eax
        movl $107, %edi
        syscall

        .section .user_data, "aw"
message:
        .ascii "ok\n"

        .section .user_text, "ax"
        .size user_syscall_check_main, . - user_syscall_check_main

        .section .note.GNU-stack, "", @progbits
