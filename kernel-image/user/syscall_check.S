// Ring-3 program "syscall-check": calls every system call with good and bad
// arguments and checks each result; counts one round of checks at a time.
// A wrong result ends the task with exit(1) + the number of the failed check,
// so a kernel that crashes, accepts a bad pointer or returns the wrong error
// shows up in the report.
#include "syscalls.h"
#include "core/user_layout.h"
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
        movl $SYS_CLOCK, %eax           // 9: the clock runs forward
        syscall
        movq %rax, %r13
        movl $SYS_CLOCK, %eax
        syscall
        cmpq %r13, %rax
        jb 9f
        movl $SYS_SYSINFO, %eax         // 10: sysinfo into its own heap (demand-zero): the struct's size
        leaq PRISTINE_USER_COUNTER_SIZE(%rbx), %rdi
        movl $SYSTEM_INFO_SIZE, %esi
        syscall
        check 10, SYSTEM_INFO_SIZE
        movl $SYS_SYSINFO, %eax         // 11: a buffer too short: refused
        leaq PRISTINE_USER_COUNTER_SIZE(%rbx), %rdi
        movl $SYSTEM_INFO_SIZE - 1, %esi
        syscall
        check 11, EINVAL
        movl $SYS_GET_PRIORITY, %eax    // 12: its priority is what it was created with
        syscall
        movq %rax, %r13
        movl $SYS_SET_PRIORITY, %eax    // 13: setting it again is allowed
        movq %r13, %rdi
        syscall
        check 13, 0
        movl $SYS_SET_PRIORITY, %eax    // 14: above its ceiling: refused (at 3 the ceiling is the maximum: skipped)
        leaq 1(%r13), %rdi
        syscall
        cmpq $3, %r13
        je 10f
        check 14, EPERM
10:     movl $SYS_SET_PRIORITY, %eax    // 15: beyond every priority: refused
        movl $4, %edi
        syscall
        check 15, EINVAL
        incq (%rbx)
        jmp 1b
9:      movl $SYS_EXIT, %eax
        movl $109, %edi
        syscall
8:      movl $SYS_EXIT, %eax
        movl $107, %edi
        syscall

        .section .user_data, "aw"
message:
        .ascii "ok\n"

        .section .user_text, "ax"
        .size user_syscall_check_main, . - user_syscall_check_main

        .section .note.GNU-stack, "", @progbits
