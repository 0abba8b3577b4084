// First instructions of the simulator image. The simulator starts each CPU
// in 64-bit mode, ring 0, interrupts off, paging off, at a low physical
// address (sim_entry for the boot CPU, sim_secondary_entry for the others,
// once the boot CPU asked the board: kStartCpu). As on the PC, the boot CPU
// builds the boot page tables (hw-x86_64/cpu/boot_page_tables.inc); every CPU
// then turns paging on and jumps to the kernel in the higher half.

// BOARD_CPU_ID_REGISTER and MAX_CPUS come from the C++ definitions
// (board_asm_constants.cpp).
#include "hw-sim/board_asm_constants.inc"
#include "hw-x86_64/cpu/boot_page_tables.inc"
        .set BOOT_STACK_SIZE, 16384
        .set SECONDARY_STACK_SIZE, 4096
        .set CR4_PAE, 1 << 5
        .set CR0_WP_PG, 0x80010000

        // CR4.PAE, CR3 = boot_pml4, EFER.NXE when the CPU has NX (CPUID
        // 0x80000001 EDX[20]), CR0.PG|WP. The CPU is in long mode already
        // (EFER.LME/LMA), so paging on means 4-level paging.
        .macro enable_paging
        movq %cr4, %rax
        orq $CR4_PAE, %rax
        movq %rax, %cr4
        movl $boot_pml4, %eax
        movq %rax, %cr3
        no_execute_bit_in_esi
        movl $EFER, %ecx
        rdmsr
        orl %esi, %eax
        wrmsr
        movq %cr0, %rax
        orl $CR0_WP_PG, %eax                    // CR0 has no bits above 31
        movq %rax, %cr0
        .endm

        .section .boot.text, "ax"
        .code64
        .global sim_entry
sim_entry:
        cld
        build_boot_page_tables
        enable_paging
        movabsq $sim_boot_high, %rax
        jmp *%rax

        .global sim_secondary_entry
sim_secondary_entry:
        cld
        enable_paging
        movabsq $sim_secondary_high, %rax
        jmp *%rax

        .section .boot.bss, "aw", @nobits
        boot_page_table_pages

        // The higher half: the kernel's own stack, then C++ (the simulator
        // loaded .bss zeroed).
        .section .text.boot, "ax"
sim_boot_high:
        leaq boot_stack_top(%rip), %rsp
        xorl %ebp, %ebp
        call sim_board_main
1:      cli
        hlt
        jmp 1b

        // A secondary CPU's boot stack is its slot of secondary_stacks.
sim_secondary_high:
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
