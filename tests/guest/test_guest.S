// A minimal x86-64 guest for the simulator's own tests (delivery rules, the
// board): the host fills the GDT, IDT and TSS; this code loads them and offers
// labelled places to run from. Every IDT gate leads to a `hlt`, so the host
// regains control in the handler with RIP = handler + 1.
        .code64
        .section .text, "ax"
        .global _start
_start:
        leaq kernel_stack_top(%rip), %rsp
        lgdt gdt_ptr(%rip)
        lidt idt_ptr(%rip)
        movw $0x28, %ax
        ltr %ax
        leaq 1f(%rip), %rax
        pushq $0x08
        pushq %rax
        lretq
1:      movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        .global ring0_ready
ring0_ready:
        hlt
        .global ring0_loop
ring0_loop:
        incq %rcx
        jmp ring0_loop

        // iretq to ring 3 at user_loop with IF = 1.
        .global enter_user
enter_user:
        pushq $0x1b
        leaq user_stack_top(%rip), %rax
        pushq %rax
        pushq $0x202
        pushq $0x23
        leaq user_loop(%rip), %rax
        pushq %rax
        iretq
        .global user_loop
user_loop:
        incq %rbx
        jmp user_loop

        // Board accesses: a 64-bit deadline write, a clock read, an EOI, at
        // the board's physical page (this guest runs with paging off;
        // kPhysicalBase in hw-sim/board_registers.h).
        .global board_access
board_access:
        movabsq $0x123456789a, %rax
        movl $0xfebf0000, %ecx
        movq %rax, 0x18(%rcx)
        movq 0x10(%rcx), %rdx
        movq %rax, 0x28(%rcx)
        hlt

        .balign 16
        .global handlers
handlers:
        .rept 256
        .balign 16
        hlt
        .endr

        .section .data
        .balign 16
gdt_ptr:
        .word 7 * 8 - 1
        .quad gdt
idt_ptr:
        .word 256 * 16 - 1
        .quad idt

        .section .bss
        .balign 4096
        .global gdt
gdt:    .skip 7 * 8
        .balign 64
        .global tss
tss:    .skip 104
        .balign 4096
        .global idt
idt:    .skip 256 * 16
        .balign 16
        .skip 8192
        .global kernel_stack_top
kernel_stack_top:
        .skip 8192
        .global rsp0_stack_top
rsp0_stack_top:
        .skip 8192
        .global ist1_stack_top
ist1_stack_top:
        .skip 8192
        .global user_stack_top
user_stack_top:

        .section .note.GNU-stack, "", @progbits
