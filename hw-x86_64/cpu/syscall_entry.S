// The syscall entry and its fast return (Intel SDM Vol. 2B, SYSCALL/SYSRET).
//
// SYSCALL left the user RIP in RCX and RFLAGS in R11, masked RFLAGS with
// SFMASK (IF, TF, DF, AC cleared) and loaded the kernel CS/SS from STAR; RSP
// is still the user's. We switch to the task's kernel stack (per-CPU
// kernel_rsp, kept equal to TSS.RSP0) and build the same TrapFrame as an
// interrupt, with the pseudo-vector SYSCALL_VECTOR, so a task that blocks in a
// syscall is saved exactly like a preempted one. The number and arguments sit
// in the frame in the ABI's order (trap_frame.h), where core/ reads them.
//
// Like interrupts, the callee-saved registers are stored only when the call
// leaves the caller (it blocked, yielded or exited).
//
// Return: if the frame to resume is the caller's own, or another task that
// blocked in a syscall, leave with SYSRET (an interrupt's switch to such a
// task too: syscall_resume); otherwise the frame came from an interrupt and
// takes the common iretq path. A failed call (a result in
// [SYSCALL_FIRST_ERROR, -1]) returns with CF set, any other with CF clear.
//
// The second entry, `int $0x80` (syscall_gate_entry, below), builds the same
// frame and joins the same path.

// PER_CPU_*, USER_CS, USER_SS and SYSCALL_VECTOR come with the frame
// offsets from the C++ definitions (asm_offsets.cpp).
#include "hw-x86_64/cpu/trap_frame.inc"

        // \flags (a register) gets CF = the result \result is an error (in
        // [SYSCALL_FIRST_ERROR, -1]): the compare borrows for a success, so
        // CF ends as its complement. \label, if given, names the instruction
        // that sets it (a broken image patches it out).
        .macro set_error_flag result, flags, label
        andq $~RFLAGS_CARRY, \flags
        cmpq $SYSCALL_FIRST_ERROR, \result
        .ifnb \label
        .global \label
\label:
        .endif
        sbbq $-1, \flags                // + 1 - borrow
        .endm

        .section .text.pristine_hot, "ax"
        .code64
        .global syscall_entry
        .type syscall_entry, @function
syscall_entry:
        swapgs                          // GS base <- kernel per-CPU block
        movq %rsp, %gs:PER_CPU_USER_RSP
        .global syscall_entry_kernel_stack
syscall_entry_kernel_stack:
        movq %gs:PER_CPU_KERNEL_RSP, %rsp
        pushq $USER_SS
        pushq %gs:PER_CPU_USER_RSP
        pushq %r11                      // user RFLAGS
        pushq $USER_CS
        pushq %rcx                      // user RIP
        pushq $0                        // error code slot
        pushq $SYSCALL_VECTOR
syscall_common:
        push_scratch_registers
        subq $FRAME_PRESERVED_SIZE, %rsp        // the callee-saved slots: filled only to leave
        movq %rsp, %rdi
        call x86_syscall_dispatch
        cmpq %rax, %rsp
        jne syscall_switch
        addq $FRAME_PRESERVED_SIZE + FRAME_RCX_R11_SIZE, %rsp   // rbx..r15 intact; RCX and R11 come from RIP and RFLAGS

        // Back to ring 3 from the argument registers of a frame at %rsp.
syscall_return_arguments:
        popq %rax
        popq %rdi
        popq %rsi
        popq %rdx
        popq %r10
        popq %r8
        popq %r9
        movq VECTOR_TO_RFLAGS(%rsp), %r11
        set_error_flag %rax, %r11, syscall_return_error_flag
        movq VECTOR_TO_RIP(%rsp), %rcx
        movq VECTOR_TO_RSP(%rsp), %rsp  // user RSP; IF is still 0 until SYSRET
        swapgs                          // GS base <- the user's
        sysretq

        // The call left the caller: keep its callee-saved registers in its
        // frame, then resume the other task the way its frame was made.
syscall_switch:
        store_preserved_registers
        // The call left its caller, whose frame may come back by an
        // interrupt's iretq (a tick's switch): flag its final result in the
        // saved RFLAGS now, as the SYSRET return would.
        movq FRAME_RFLAGS(%rsp), %rcx
        set_error_flag FRAME_RAX(%rsp), %rcx
        movq %rcx, FRAME_RFLAGS(%rsp)
        movq %rax, %rsp
        cmpq $SYSCALL_VECTOR, FRAME_VECTOR(%rsp)
        jne interrupt_return

        // Resume a whole system-call frame at %rsp (a task that blocked in a
        // call) by SYSRET: the interrupt path's switch comes here too
        // (interrupt_entry.S), as SYSRET costs half an iretq.
        .global syscall_resume
syscall_resume:
        pop_preserved_registers
        addq $FRAME_RCX_R11_SIZE, %rsp  // RCX and R11 come from RIP and RFLAGS
        jmp syscall_return_arguments
        .size syscall_entry, . - syscall_entry

        // `int $0x80` from ring 3 (its DPL 3 gate): the stub pushed the error
        // code slot and the system-call frame vector; the CPU has already
        // switched to TSS.RSP0 (equal to the per-CPU kernel_rsp) and pushed
        // the rest of the frame. From here it is the same system call as
        // `syscall`, back by SYSRET: the caller's RCX and R11 are clobbered
        // alike (docs/syscalls.md). The gate cleared IF and TF but not DF.
        // Only ring 3 uses the gate: the kernel never executes `int $0x80`.
        .global syscall_gate_entry
        .type syscall_gate_entry, @function
syscall_gate_entry:
        swapgs                          // GS base <- kernel per-CPU block
        cld
        jmp syscall_common
        .size syscall_gate_entry, . - syscall_gate_entry

        .section .note.GNU-stack, "", @progbits
