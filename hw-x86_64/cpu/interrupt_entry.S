// The single interrupt entry and return path of Pristine.
//
// Every vector enters through a 16-byte stub that pushes a zero error code
// (where the CPU pushes none) and its vector number, then jumps to
// exception_common (vectors 0-31, below) or interrupt_common. Both save the
// registers into a TrapFrame (trap_frame.h), make GS the kernel's per-CPU
// base when the CPU came from ring 3, and call their C++ dispatcher
// (x86_exception_dispatch, x86_interrupt_dispatch), which returns the frame
// to resume: the interrupted one, or another task's saved frame after a
// context switch.
//
// Interrupts save lazily: the callee-saved registers are stored into the
// frame only when the path leaves the interrupted context (the C++ code kept
// them intact, SysV ABI); a path that resumes it never touches them.
// interrupt_return restores a whole frame (another task's, or a new one) and
// leaves with iretq.
//
// No diagnostics here, ever (seed 000): the path is straight-line.

        .set ENTRY_CS, 24       // CS above the vector and error-code slots

#include "hw-x86_64/cpu/trap_frame.inc"
#include "hw-x86_64/cpu/test_hook.inc"

        .section .text.pristine_hot, "ax"
        .code64

        // 256 stubs, 16 bytes apart: stub(v) = interrupt_stubs + 16 * v.
        .balign 16
        .global interrupt_stubs
interrupt_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        // Vectors with a CPU-pushed error code (Intel SDM Vol. 3, Table 6-1).
        .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21)
        .else
        pushq $0
        .endif
        pushq $vec
        .if vec < 32
        jmp exception_common
        .else
        jmp interrupt_common
        .endif
        .set vec, vec + 1
        .endr
        .balign 16
        .global interrupt_stubs_end
interrupt_stubs_end:
        .type interrupt_stubs, @function
        .size interrupt_stubs, interrupt_stubs_end - interrupt_stubs

        // CPU exceptions (vectors 0-31). They can strike where CS says ring 0
        // but GS still holds the user's base: between `swapgs` and `iretq` /
        // `sysret` on the way out (an NMI or #MC anywhere, a #GP from a bad
        // iretq frame). So the GS decision reads IA32_GS_BASE itself (seed
        // 001): a base in the kernel half is the kernel's. If we swapped, and
        // the same context resumes, we swap back before returning into it.
        .global exception_common
        .type exception_common, @function
exception_common:
        push_scratch_registers
        push_preserved_registers        // whole frame: a fault report shows every register
        cld
        // The GS decision (sim-kernel-broken-exception-cs-check.elf trusts CS here instead).
        .global exception_common_gs_check
exception_common_gs_check:
        movl $0xC0000101, %ecx          // IA32_GS_BASE
        rdmsr
        xorl %ebx, %ebx
        testl %edx, %edx
        js 1f                           // kernel half: GS is already the kernel's
        swapgs
        movl $1, %ebx
1:      movq %rsp, %rdi
        call x86_exception_dispatch
        cmpq %rax, %rsp
        je 2f
        movq %rax, %rsp                 // another task's frame: decided by its CS
        jmp interrupt_return
2:      testl %ebx, %ebx
        jz 3f
        swapgs                          // back to the interrupted context's GS
3:      pop_preserved_registers
        pop_scratch_registers
        addq $16, %rsp
        iretq
        .size exception_common, . - exception_common

        .global interrupt_common
        .type interrupt_common, @function
interrupt_common:
        testb $3, ENTRY_CS(%rsp)
        jz 1f
        .global interrupt_entry_swapgs
interrupt_entry_swapgs:
        swapgs                  // from ring 3: GS base <- kernel per-CPU block
1:      push_scratch_registers
        subq $FRAME_PRESERVED_SIZE, %rsp        // the callee-saved slots: filled only to leave (below)
        cld                     // the SysV ABI requires DF = 0 at calls
        movq %rsp, %rdi
        call x86_interrupt_dispatch
        cmpq %rax, %rsp
        jne interrupt_switch
        addq $FRAME_PRESERVED_SIZE, %rsp        // resume: rbx, rbp, r12-r15 are still the context's

        // Leave through the scratch half of a frame, at %rsp.
interrupt_return_scratch:
        pop_scratch_registers
        addq $16, %rsp          // vector and error code
        test_hook interrupt_exit        // the iret frame at %rsp
        testb $3, 8(%rsp)
        jz 2f
        // The swapgs/iretq window: an NMI here finds CS in ring 0 but the
        // user's GS base (exception_common handles it; the simulator injects
        // NMIs at this label).
        .global interrupt_return_swapgs
interrupt_return_swapgs:
        swapgs                  // to ring 3: GS base <- the user's value
2:
        iretq

        // Leaving the interrupted context: keep its callee-saved registers
        // in its frame, then resume the other one.
interrupt_switch:
        store_preserved_registers
        movq %rax, %rsp

        // Resume a whole frame at %rsp (another task's, or a new task's first).
        .global interrupt_return
interrupt_return:
        pop_preserved_registers
        jmp interrupt_return_scratch
        .size interrupt_common, . - interrupt_common

        .section .note.GNU-stack, "", @progbits
