// PVH entry of the PC image (docs/boot.md). QEMU -kernel finds the entry
// through the Xen ELF note and starts us in 32-bit protected mode, paging
// off, interrupts off, EBX = physical address of the hvm_start_info block.
// We build boot page tables, enter long mode, jump to the higher half, clear
// .bss and call pc_board_main(start_info).

#include "hw-x86_64/cpu/boot_page_tables.inc"

        .set CR4_PAE, 1 << 5
        .set EFER_LME, 1 << 8
        .set CR0_PE_WP_PG, 0x80010001

        // XEN_ELFNOTE_PHYS32_ENTRY (18): the 32-bit physical entry point.
        .section .note.Xen, "a", @note
        .balign 4
        .long 4
        .long 4
        .long 18
        .asciz "Xen"
        .long pvh_start32

        .section .boot32.text, "ax"
        .code32
        .global pvh_start32
pvh_start32:
        cli
        cld
        movl %ebx, boot_start_info
        movl $boot32_stack_top, %esp

        build_boot_page_tables

        movl %cr4, %eax
        orl $CR4_PAE, %eax
        movl %eax, %cr4
        movl $boot_pml4, %eax
        movl %eax, %cr3
        // EFER.LME, and EFER.NXE when the CPU has NX.
        no_execute_bit_in_esi
        movl $EFER, %ecx
        rdmsr
        orl $EFER_LME, %eax
        orl %esi, %eax
        wrmsr
        movl %cr0, %eax
        orl $CR0_PE_WP_PG, %eax
        movl %eax, %cr0
        lgdt boot_gdt_ptr
        ljmp $0x08, $pvh_start64

        .code64
pvh_start64:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movabsq $pc_boot_high, %rax
        jmp *%rax

        .section .boot32.data, "aw"
        .balign 8
boot_gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF        // 64-bit code
        .quad 0x00CF92000000FFFF        // data
boot_gdt_ptr:
        .word 3 * 8 - 1
        .long boot_gdt
        .global boot_start_info
boot_start_info:
        .long 0

        .section .boot32.bss, "aw", @nobits
        boot_page_table_pages
        .skip 1024
boot32_stack_top:

        // The higher half: the kernel's own stack, a clean .bss, then C++.
        .section .text.boot, "ax"
        .code64
pc_boot_high:
        leaq pc_boot_stack_top(%rip), %rsp
        leaq __bss_start(%rip), %rdi
        leaq __bss_end(%rip), %rcx
        subq %rdi, %rcx
        xorl %eax, %eax
        rep stosb
        movl boot_start_info, %edi
        xorl %ebp, %ebp
        call pc_board_main
4:      cli
        hlt
        jmp 4b

        .section .bss
        .balign 16
pc_boot_stack:
        .skip 16384
pc_boot_stack_top:

        .section .note.GNU-stack, "", @progbits
