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

        // A secondary CPU starts here once the boot CPU asked the board
        // (kStartCpu): its boot stack is its slot of secondary_stacks.
        .global sim_secondary_entry
sim_secondary_entry:
        movq $0xFFFFFFFFFEB00008, %rax  // the board's kCpuId register
        movq (%rax), %rdi
        movq %rdi, %rax
        incq %rax
        shlq $12, %rax
        leaq secondary_stacks(%rip), %rsp
        addq %rax, %rsp
        xorl %ebp, %ebp
        call sim_board_secondary_main
2:      cli
        hlt
        jmp 2b

        .section .bss
        .balign 16
boot_stack:
        .skip 16384
boot_stack_top:
        // 4 KiB per CPU (index = CPU id; the boot CPU's slot is unused).
        .balign 16
secondary_stacks:
        .skip 8 * 4096

        .section .note.GNU-stack, "", @progbits
