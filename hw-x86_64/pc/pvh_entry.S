// PVH entry of the PC image (docs/boot.md). QEMU -kernel finds the entry
// through the Xen ELF note and starts us in 32-bit protected mode, paging
// off, interrupts off, EBX = physical address of the hvm_start_info block.
// We build boot page tables, enter long mode, jump to the higher half, clear
// .bss and call pc_board_main(start_info).

        .set PTE_PRESENT, 0x1
        .set PTE_WRITE, 0x2
        .set PTE_USER, 0x4
        .set PTE_PWT, 0x8
        .set PTE_PCD, 0x10
        .set PTE_LARGE, 0x80
        .set CR4_PAE, 1 << 5
        .set EFER, 0xC0000080
        .set EFER_LME, 1 << 8
        .set EFER_NXE, 1 << 11
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

        // Clear the four page-table pages.
        movl $boot_pml4, %edi
        movl $(4 * 4096 / 4), %ecx
        xorl %eax, %eax
        rep stosl

        // PML4[0] -> low PDPT (user-accessible: the user region lives there);
        // PML4[511] -> high PDPT (kernel only).
        movl $boot_pdpt_low, %eax
        orl $(PTE_PRESENT | PTE_WRITE | PTE_USER), %eax
        movl %eax, boot_pml4
        movl $boot_pdpt_high, %eax
        orl $(PTE_PRESENT | PTE_WRITE), %eax
        movl %eax, boot_pml4 + 511 * 8
        // Low PDPT: [0] -> the first GiB, [3] -> the fourth (LAPIC, IOAPIC), uncached.
        movl $boot_pd, %eax
        orl $(PTE_PRESENT | PTE_WRITE | PTE_USER), %eax
        movl %eax, boot_pdpt_low
        movl $boot_pd_mmio, %eax
        orl $(PTE_PRESENT | PTE_WRITE), %eax
        movl %eax, boot_pdpt_low + 3 * 8
        // High PDPT: [510] -> the first GiB again, at 0xFFFFFFFF80000000.
        movl $boot_pd, %eax
        orl $(PTE_PRESENT | PTE_WRITE), %eax
        movl %eax, boot_pdpt_high + 510 * 8

        // 512 x 2 MiB: the first GiB, supervisor-only. Each ring-3 task gets
        // its own user mappings later (hw-x86_64/pc/address_space.cpp).
        xorl %ecx, %ecx
1:      movl %ecx, %eax
        shll $21, %eax
        orl $(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
        movl %eax, boot_pd(, %ecx, 8)
        movl %ecx, %eax
        shll $21, %eax
        orl $(PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_PWT | PTE_PCD), %eax
        addl $0xC0000000, %eax
        movl %eax, boot_pd_mmio(, %ecx, 8)
        incl %ecx
        cmpl $512, %ecx
        jne 1b

        movl %cr4, %eax
        orl $CR4_PAE, %eax
        movl %eax, %cr4
        movl $boot_pml4, %eax
        movl %eax, %cr3
        // EFER.LME, and EFER.NXE when the CPU has NX (CPUID 0x80000001 EDX[20]).
        movl $0x80000001, %eax
        cpuid
        xorl %esi, %esi
        btl $20, %edx
        jnc 3f
        movl $EFER_NXE, %esi
3:      movl $EFER, %ecx
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
        .balign 4096
        .global boot_pml4
boot_pml4:      .skip 4096
        .global boot_pdpt_low
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
        .global boot_pd
boot_pd:        .skip 4096
boot_pd_mmio:   .skip 4096
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
