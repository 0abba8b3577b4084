// The single interrupt entry and return path of Pristine.
//
// Every vector enters through a 16-byte stub that pushes a zero error code
// (where the CPU pushes none) and its vector number, then jumps to
// exception_common (vectors 0-31, below) or interrupt_common, which saves the general registers into a TrapFrame
// (trap_frame.h), switches GS to the kernel's per-CPU base when the CPU came
// from ring 3, and calls x86_interrupt_dispatch. That returns the frame to
// resume: the interrupted one, or another task's saved frame after a context
// switch. interrupt_return restores that frame and leaves with iretq.
//
// No diagnostics here, ever (seed 000): the path is straight-line.

        .set FRAME_CS, 144      // trap_frame_offset::kCs
        .set ENTRY_CS, 24       // CS above the vector and error-code slots

#include "hw-x86_64/cpu/trap_frame.inc"

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
        push_general_registers
        cld
#ifdef PRISTINE_BREAK_EXCEPTION_CS_CHECK
        // Test-only breakage: trust CS, as interrupt_common does. Wrong in the
        // swapgs/iretq window; the simulator must catch it.
        xorl %ebx, %ebx
        testb $3, 144(%rsp)
        jz 1f
        swapgs
        movl $1, %ebx
#else
        movl $0xC0000101, %ecx          // IA32_GS_BASE
        rdmsr
        xorl %ebx, %ebx
        testl %edx, %edx
        js 1f                           // kernel half: GS is already the kernel's
        swapgs
        movl $1, %ebx
#endif
1:      movq %rsp, %rdi
        movq %rsp, %r12
        call x86_interrupt_dispatch
        cmpq %rax, %r12
        je 2f
        movq %rax, %rsp                 // another task's frame: decided by its CS
        jmp interrupt_return
2:      testl %ebx, %ebx
        jz 3f
        swapgs                          // back to the interrupted context's GS
3:
        pop_general_registers
        addq $16, %rsp
        iretq
        .size exception_common, . - exception_common

        .global interrupt_common
        .type interrupt_common, @function
interrupt_common:
        testb $3, ENTRY_CS(%rsp)
        jz 1f
#ifndef PRISTINE_BREAK_NO_SWAPGS_ENTRY
        swapgs                  // from ring 3: GS base <- kernel per-CPU block
#endif
1:
        push_general_registers
        cld                     // the SysV ABI requires DF = 0 at calls
        movq %rsp, %rdi
        call x86_interrupt_dispatch
        movq %rax, %rsp         // the frame to resume (maybe another task's)

        .global interrupt_return
interrupt_return:
        pop_general_registers
        addq $16, %rsp          // vector and error code
#ifdef PRISTINE_BREAK_KERNEL_RSP
        testb $3, 8(%rsp)
        jnz 1f
        subq $8, 24(%rsp)       // test-only breakage: a ring-0 resume with a shifted RSP
1:
#endif
        testb $3, 8(%rsp)
        jz 2f
#ifdef PRISTINE_BREAK_CLOBBER_REGISTER
        xorq $0xbad, %r13       // test-only breakage: the simulator must catch it
#endif
#ifndef PRISTINE_BREAK_NO_SWAPGS_EXIT
        // The swapgs/iretq window: an NMI here finds CS in ring 0 but the
        // user's GS base (exception_common handles it; the simulator injects
        // NMIs at this label).
        .global interrupt_return_swapgs
interrupt_return_swapgs:
        swapgs                  // to ring 3: GS base <- the user's value
#endif
2:
        iretq
        .size interrupt_common, . - interrupt_common

        .section .note.GNU-stack, "", @progbits
