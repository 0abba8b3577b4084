// A bare AArch64 guest for the AArch64 engine's tests
// (tests/aarch64_engine_test.cpp): EL1 code that enters EL0, EL0 code that
// makes a system call, faults and takes undefined instructions, and a
// vector table whose every entry records what the exception entry left
// (x16 the entry's offset, x10 ESR_EL1, x11 ELR_EL1, x12 SPSR_EL1, x13
// FAR_EL1, x14 SP, x15 SP_EL0) and stops at `brk #0xe1` for the test to
// look. Linked at 0x40000000 (the RAM of QEMU's `virt`), run with the MMU
// off or with the test's own tables. The test finds every label by name
// (the generated aarch64_test_guest_symbols.h). Layout: EL1 code, the
// vectors at 0x40000800, EL0 code from 0x40001000.
        .text
        .global _start, el1_enter_user
// x1: the EL0 entry, x2: SP_EL0, x3: SP_EL1.
_start:
el1_enter_user:
        adr x0, vectors
        msr vbar_el1, x0
        mov sp, x3
        msr sp_el0, x2
        msr elr_el1, x1
        msr spsr_el1, xzr            // EL0t, DAIF clear
        isb
        eret

        .global el1_wait_with_irqs_open
el1_wait_with_irqs_open:
        adr x0, vectors
        msr vbar_el1, x0
        msr daifclr, #2
1:      add x20, x20, #1
        b 1b

        .global return_from_exception
return_from_exception:
        eret

        .global skip_and_return
skip_and_return:
        mrs x0, elr_el1
        add x0, x0, #4
        msr elr_el1, x0
        eret

record:
        mrs x10, esr_el1
        mrs x11, elr_el1
        mrs x12, spsr_el1
        mrs x13, far_el1
        mov x14, sp
        mrs x15, sp_el0
        .global recorded
recorded:
        brk #0xe1

        .balign 2048
        .global vectors
vectors:
        .irp offset, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
        .balign 128
        mov x16, #\offset
        b record
        .endr

        // EL0 code on a page of its own (the MMU tests map it for EL0 only).
        .balign 4096
        .global user_svc
user_svc:
        mov x0, #41
        mov x8, #7
        .global user_svc_instruction
user_svc_instruction:
        svc #0x123
        add x2, x0, #1
        mov x3, sp
        brk #0xe0

        .global user_load
// x6: the address to load from (+0x18)
user_load:
        nop
        .global user_load_instruction
user_load_instruction:
        ldr x5, [x6, #0x18]
        brk #0xe0

        .global user_store
// x7: the address to store to
user_store:
        .global user_store_instruction
user_store_instruction:
        str x5, [x7]
        brk #0xe0

        .global user_undefined
user_undefined:
        mrs x0, sctlr_el1            // EL1-only: undefined at EL0
        brk #0xe0

