// The syscall entry and its fast return (Intel SDM Vol. 2B, SYSCALL/SYSRET).
//
// SYSCALL left the user RIP in RCX and RFLAGS in R11, masked RFLAGS with
// SFMASK (IF, TF, DF, AC cleared) and loaded the kernel CS/SS from STAR; RSP
// is still the user's. We switch to the task's kernel stack (per-CPU
// kernel_rsp, kept equal to TSS.RSP0) and build the same TrapFrame as an
// interrupt, with the pseudo-vector SYSCALL_VECTOR, so a task that blocks in a
// syscall is saved exactly like a preempted one.
//
// Return: if the frame to resume was built here (the caller itself, or a task
// that blocked in a syscall), leave with SYSRET; otherwise the frame came from
// an interrupt and takes the common iretq path.

        .set USER_RSP, 16       // x86::PerCpu::user_rsp
        .set KERNEL_RSP, 24     // x86::PerCpu::kernel_rsp
        .set USER_CS, 0x23
        .set USER_SS, 0x1b
        .set SYSCALL_VECTOR, 0x100
        .set FRAME_VECTOR, 120  // trap_frame_offset::kVector

#include "hw-x86_64/cpu/trap_frame.inc"

        .section .text.pristine_hot, "ax"
        .code64
        .global syscall_entry
        .type syscall_entry, @function
syscall_entry:
        swapgs                          // GS base <- kernel per-CPU block
        movq %rsp, %gs:USER_RSP
#ifndef PRISTINE_BREAK_SYSCALL_USER_STACK
        movq %gs:KERNEL_RSP, %rsp
#endif
        pushq $USER_SS
        pushq %gs:USER_RSP
        pushq %r11                      // user RFLAGS
        pushq $USER_CS
        pushq %rcx                      // user RIP
        pushq $0                        // error code slot
        pushq $SYSCALL_VECTOR
        push_general_registers
        movq %rsp, %rdi
        call x86_syscall_dispatch
        movq %rax, %rsp
        cmpq $SYSCALL_VECTOR, FRAME_VECTOR(%rsp)
        jne interrupt_return
        pop_general_registers
        movq 16(%rsp), %rcx             // RIP    (above vector and error code)
        movq 32(%rsp), %r11             // RFLAGS
        movq 40(%rsp), %rsp             // user RSP; IF is still 0 until SYSRET
        swapgs                          // GS base <- the user's
        sysretq
        .size syscall_entry, . - syscall_entry

        .section .note.GNU-stack, "", @progbits
