// First instruction of the simulator image. The simulator enters here in
// 64-bit mode, ring 0, interrupts off; the image takes its own boot stack.

// BOARD_CPU_ID_REGISTER and MAX_CPUS come from the C++ definitions
// (board_asm_constants.cpp).
#include "hw-sim/board_asm_constants.inc"
        .set BOOT_STACK_SIZE, 16384
        .set SECONDARY_STACK_SIZE, 4096

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
        movq $BOARD_CPU_ID_REGISTER, %rax
        movq (%rax), %rdi
        movq %rdi, %rax
        incq %rax
        imulq $SECONDARY_STACK_SIZE, %rax       // the top of the CPU's slot
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
        .skip BOOT_STACK_SIZE
boot_stack_top:
        // One slot per CPU (index = CPU id; the boot CPU's slot is unused).
        .balign 16
secondary_stacks:
        .skip MAX_CPUS * SECONDARY_STACK_SIZE

        .section .note.GNU-stack, "", @progbits
