// The single interrupt entry and return path of Pristine.
//
// Every vector enters through a stub (INTERRUPT_STUB_SIZE bytes) that pushes a zero error code
// (where the CPU pushes none) and its vector number, then jumps to
// exception_common (vectors 0-31, below) or interrupt_common. The system-call
// gate's stub (int $0x80) makes a system call's frame instead and enters the
// system-call path (syscall_entry.S). Both save the
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
// leaves with iretq to ring 3, or with popfq and ret to ring 0
// (interrupt_return_kernel).
//
// No diagnostics here, ever (seed 000): the path is straight-line.

#include "hw-x86_64/cpu/trap_frame.inc"
#include "hw-x86_64/cpu/test_hook.inc"

        .section .text.pristine_hot, "ax"
        .code64

        // cpu_pushes_error_code: 1 if `vec` is in hw-x86_64/cpu/error_code_vectors.def.
        .macro note_error_code_vector number
        .if vec == \number
        .set cpu_pushes_error_code, 1
        .endif
        .endm

        // 256 stubs, INTERRUPT_STUB_SIZE bytes apart (descriptor_tables.h).
        .balign INTERRUPT_STUB_SIZE
        .global interrupt_stubs
interrupt_stubs:
        .set vec, 0
        .rept 256
        .balign INTERRUPT_STUB_SIZE
        .set cpu_pushes_error_code, 0
#define PRISTINE_ERROR_CODE_VECTOR(number) note_error_code_vector number
#include "hw-x86_64/cpu/error_code_vectors.def"
#undef PRISTINE_ERROR_CODE_VECTOR
        .if cpu_pushes_error_code == 0
        pushq $0                        // the error code slot the CPU left out
        .endif
        .if vec == SYSCALL_GATE_VECTOR
        pushq $SYSCALL_VECTOR           // a system call's frame (syscall_entry.S)
        jmp syscall_gate_entry
        .elseif vec < 32
        pushq $vec
        jmp exception_common
        .else
        pushq $vec
        jmp interrupt_common
        .endif
        .set vec, vec + 1
        .endr
        .balign INTERRUPT_STUB_SIZE
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
        addq $VECTOR_AND_ERROR_CODE_SIZE, %rsp
        iretq
        .size exception_common, . - exception_common

        .global interrupt_common
        .type interrupt_common, @function
interrupt_common:
        testb $3, VECTOR_TO_CS(%rsp)
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
        addq $VECTOR_AND_ERROR_CODE_SIZE, %rsp
        test_hook interrupt_exit        // the iret frame at %rsp
        testb $3, IRET_CS(%rsp)
        jz interrupt_return_kernel
        // The swapgs/iretq window: an NMI here finds CS in ring 0 but the
        // user's GS base (exception_common handles it; the simulator injects
        // NMIs at this label).
        .global interrupt_return_swapgs
interrupt_return_swapgs:
        swapgs                  // to ring 3: GS base <- the user's value
        iretq

        // Back to ring 0 (a halted idle CPU, a kernel thread) without iretq,
        // whose microcode reloads CS and SS and checks their descriptors
        // (about 60 cycles) for a return that changes neither. The
        // interrupted stack takes the return address, the flags and %rax
        // below its top (no red zone in the kernel; a frame the CPU pushed
        // lies below its top, and its slots are read before these writes
        // reach them). popfq restores IF last: an interrupt between popfq
        // and ret nests below the return address. Exceptions and NMIs leave
        // by exception_common's iretq (only iretq ends NMI blocking).
        // Below the interrupted stack's top: %rax, the flags, the return address.
        .set SAVED_RAX, 8               // %rax pushed above the iret frame
        .set RETURN_RFLAGS, 8
        .set RETURN_RIP, 16
        .set RETURN_SIZE, 24
interrupt_return_kernel:
        pushq %rax
        movq SAVED_RAX+IRET_RSP(%rsp), %rax
        subq $RETURN_SIZE, %rax
        pushq SAVED_RAX+IRET_RIP(%rsp)
        popq RETURN_RIP(%rax)
        pushq SAVED_RAX+IRET_RFLAGS(%rsp)
        popq RETURN_RFLAGS(%rax)
        popq (%rax)
        movq %rax, %rsp
        popq %rax
        popfq
        // The simulator closes the interrupt's record after this ret as after an iretq.
        .global interrupt_return_kernel_ret
interrupt_return_kernel_ret:
        ret

        // Leaving the interrupted context: keep its callee-saved registers
        // in its frame, then resume the other one.
interrupt_switch:
        store_preserved_registers
        movq %rax, %rsp
        // A task that blocked in a system call (a driver woken by its
        // line, a sleeper by the tick) resumes by SYSRET: its frame is a
        // system call's, and SYSRET costs half an iretq.
        cmpq $SYSCALL_VECTOR, FRAME_VECTOR(%rsp)
        je syscall_resume

        // Resume a whole frame at %rsp (another task's, or a new task's first).
        .global interrupt_return
interrupt_return:
        pop_preserved_registers
        jmp interrupt_return_scratch
        .size interrupt_common, . - interrupt_common

        .section .note.GNU-stack, "", @progbits
