// Start-up code of an application processor (docs/smp.md). The boot CPU
// copies this blob to physical 0x8000 and sends INIT, SIPI, SIPI with vector
// 0x08 (Intel SDM Vol. 3, 9.4.4): the AP starts here in real mode at
// 0800:0000. It loads a temporary GDT, enables PAE, the boot CPU's page
// tables, EFER.LME (and NXE), paging and protection at once, and far-jumps
// into 64-bit code, which takes its stack and jumps to pc_ap_main(cpu) in the
// higher half. The boot CPU fills the data fields after copying.

// AP_TRAMPOLINE_BASE: where the boot CPU copies this code (ap_trampoline.h).
#include "hw-x86_64/pc/pc_asm_constants.inc"
        .set BASE, AP_TRAMPOLINE_BASE

        .section .rodata.ap_trampoline, "a"
        .code16
        .global ap_trampoline_start
ap_trampoline_start:
        cli
        cld
        xorw %ax, %ax
        movw %ax, %ds
        lgdtl (ap_gdt_pointer - ap_trampoline_start + BASE)
        movl %cr4, %eax
        orl $(1 << 5), %eax                     // PAE
        movl %eax, %cr4
        movl (ap_cr3 - ap_trampoline_start + BASE), %eax
        movl %eax, %cr3
        movl $0xC0000080, %ecx                  // EFER
        rdmsr
        orl $(1 << 8), %eax                     // LME
        orl (ap_efer_extra - ap_trampoline_start + BASE), %eax
        wrmsr
        movl %cr0, %eax
        orl $0x80010001, %eax                   // PG, WP, PE
        movl %eax, %cr0
        ljmpl $0x08, $(ap_long_mode - ap_trampoline_start + BASE)

        .code64
ap_long_mode:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movq (ap_stack - ap_trampoline_start + BASE), %rsp
        movl (ap_cpu - ap_trampoline_start + BASE), %edi
        movq (ap_entry - ap_trampoline_start + BASE), %rax
        xorl %ebp, %ebp
        jmp *%rax

        .balign 8
ap_gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF                // 64-bit code
        .quad 0x00CF92000000FFFF                // data
ap_gdt_pointer:
        .word 3 * 8 - 1
        .long ap_gdt - ap_trampoline_start + BASE
        .balign 8
        .global ap_cr3, ap_efer_extra, ap_stack, ap_entry, ap_cpu
ap_cr3:         .long 0
ap_efer_extra:  .long 0
ap_stack:       .quad 0
ap_entry:       .quad 0
ap_cpu:         .long 0
        .global ap_trampoline_end
ap_trampoline_end:

        .section .note.GNU-stack, "", @progbits
