// First instruction of the simulator image. The simulator enters here in
// 64-bit mode, ring 0, interrupts off; the image takes its own boot stack.
        .section .text.boot, "ax"
        .code64
        .global sim_entry
sim_entry:
        leaq boot_stack_top(%rip), %rsp
        xorl %ebp, %ebp
        call sim_board_main
1:      cli
        hlt
        jmp 1b

        .section .bss
        .balign 16
boot_stack:
        .skip 16384
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
