// Ring-3 programs that fault on purpose, one per kind. Each first advances its
// counter (so the report shows it ran), then faults; the kernel must end it
// with the right reason while every other task keeps running.
        .section .user_text, "ax"
        .code64

        .macro fault_program name
        .global \name
        .type \name, @function
\name:
        incq (%rdi)
        .endm

        fault_program user_fault_divide_main        // #DE
        xorl %ecx, %ecx
        divq %rcx
        jmp .
        .size user_fault_divide_main, . - user_fault_divide_main

        fault_program user_fault_ud2_main           // #UD
        ud2
        .size user_fault_ud2_main, . - user_fault_ud2_main

        fault_program user_fault_privileged_main    // #GP(0): cli needs IOPL
        cli
        jmp .
        .size user_fault_privileged_main, . - user_fault_privileged_main

        fault_program user_fault_read_main          // #PF: read through a null pointer
        movq 0x8, %rax
        jmp .
        .size user_fault_read_main, . - user_fault_read_main

        fault_program user_fault_write_main         // #PF: write through a null pointer
        movq %rax, 0x10
        jmp .
        .size user_fault_write_main, . - user_fault_write_main

        fault_program user_fault_stack_main         // #PF: runaway recursion into the guard page
1:      call 1b
        .size user_fault_stack_main, . - user_fault_stack_main

        fault_program user_fault_misaligned_main    // #GP(0): movdqa needs 16-byte alignment
        leaq -24(%rsp), %rax
        andq $-16, %rax
        orq $8, %rax
        movdqa (%rax), %xmm0
        jmp .
        .size user_fault_misaligned_main, . - user_fault_misaligned_main

        // Protection faults (#PF with P = 1): the page is there, the access
        // is not allowed. The addresses are the same on both boards.

        fault_program user_fault_kernel_read_main   // #PF 0x5: read of a supervisor-only page
        movq 0xFFFFFFFF80000000, %rax       // the kernel half's first page
        jmp .
        .size user_fault_kernel_read_main, . - user_fault_kernel_read_main

        fault_program user_fault_kernel_write_main  // #PF 0x7: write to a supervisor-only page
        movq %rax, 0xFFFFFFFF80000000
        jmp .
        .size user_fault_kernel_write_main, . - user_fault_kernel_write_main

        fault_program user_fault_exec_data_main     // #PF 0x15: fetch from a no-execute data page
        jmp *%rdi                           // the progress counter's page
        .size user_fault_exec_data_main, . - user_fault_exec_data_main

        fault_program user_fault_write_text_main    // #PF 0x7: write to read-only program text
        movq %rax, user_fault_write_text_main(%rip)
        jmp .
        .size user_fault_write_text_main, . - user_fault_write_text_main

        fault_program user_fault_cache_maintenance_main  // #GP(0): wbinvd is ring 0's
        wbinvd
        jmp .
        .size user_fault_cache_maintenance_main, . - user_fault_cache_maintenance_main

        // x86 code needs no alignment, so the twin of AArch64's misaligned
        // branch is another instruction ring 3 may not run.
        fault_program user_fault_jump_misaligned_main  // #GP(0): hlt is ring 0's
        hlt
        jmp .
        .size user_fault_jump_misaligned_main, . - user_fault_jump_misaligned_main

        .section .note.GNU-stack, "", @progbits
