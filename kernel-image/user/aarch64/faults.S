// Ring-3 programs that fault on purpose on AArch64, one per kind
// (kernel-image/user/faults.S is the x86-64 one, with the same names). Each
// first advances its counter (so the report shows it ran), then faults; the
// kernel must end it with the right reason (hw-aarch64/include/arch/vectors.h
// names them from ESR_EL1's class) while every other task keeps running.
// Where AArch64 has no twin of an x86 fault, the program says what it does
// instead.
  .section .user_text, "ax"

  .macro fault_program name
  .global \name
  .type \name, %function
\name:
  ldr x9, [x0]
  add x9, x9, #1
  str x9, [x0]
  .endm

  // AArch64's integer division by zero does not trap (udiv gives 0, Arm
  // ARM C3.4.8): the divide program's fault is a breakpoint, brk (EC 0x3c),
  // AArch64's own trap-by-design instruction.
  fault_program user_fault_divide_main
  mov x9, #1
  udiv x9, x9, xzr
  brk #0
  b .
  .size user_fault_divide_main, . - user_fault_divide_main

  fault_program user_fault_ud2_main             // undefined instruction (EC 0x00)
  udf #0
  .size user_fault_ud2_main, . - user_fault_ud2_main

  // Masking interrupts is privileged: with SCTLR_EL1.UMA clear
  // (hw-aarch64/cpu/mmu_setup.cpp) EL0's msr daifset is trapped (EC 0x18),
  // as cli is #GP in ring 3 without IOPL.
  fault_program user_fault_privileged_main
  msr daifset, #2
  b .
  .size user_fault_privileged_main, . - user_fault_privileged_main

  fault_program user_fault_read_main            // data abort: read through a null pointer
  mov x9, #0x8
  ldr x10, [x9]
  b .
  .size user_fault_read_main, . - user_fault_read_main

  fault_program user_fault_write_main           // data abort: write through a null pointer
  mov x9, #0x10
  str x10, [x9]
  b .
  .size user_fault_write_main, . - user_fault_write_main

  fault_program user_fault_stack_main           // data abort: runaway recursion into the guard page
1:stp x29, x30, [sp, #-16]!
  bl 1b
  .size user_fault_stack_main, . - user_fault_stack_main

  // An alignment fault (a data abort, fault status 0x21): an exclusive load
  // must be aligned whatever SCTLR_EL1.A says (Arm ARM B2.5.2), as x86's
  // movdqa (#GP). (An SP alignment fault, SCTLR_EL1.SA0, would be the other
  // twin, but QEMU's TCG does not check SP alignment.)
  fault_program user_fault_misaligned_main
  sub x9, sp, #12
  ldxr x10, [x9]
  b .
  .size user_fault_misaligned_main, . - user_fault_misaligned_main

  // Permission faults: the page is there, EL0 may not make the access. The
  // kernel's first page, __kernel_start (hw-aarch64/cpu/kernel.ld), is
  // mapped for EL1 only.

  fault_program user_fault_kernel_read_main     // data abort, permission: read of an EL1-only page
  ldr x9, =__kernel_start
  ldr x10, [x9]
  b .
  .size user_fault_kernel_read_main, . - user_fault_kernel_read_main

  fault_program user_fault_kernel_write_main    // data abort, permission: write to an EL1-only page
  ldr x9, =__kernel_start
  str x10, [x9]
  b .
  .size user_fault_kernel_write_main, . - user_fault_kernel_write_main

  fault_program user_fault_exec_data_main       // instruction abort, permission: its never-executable counter page
  br x0
  .size user_fault_exec_data_main, . - user_fault_exec_data_main

  fault_program user_fault_write_text_main      // data abort, permission: write to its read-only code
  adr x9, user_fault_write_text_main
  str x10, [x9]
  b .
  .size user_fault_write_text_main, . - user_fault_write_text_main

  // A cache instruction EL0 may not run: `dc zva` with SCTLR_EL1.DZE clear
  // (QEMU's reset value, which the kernel keeps) is trapped to EL1 as a
  // system instruction (EC 0x18), as wbinvd is #GP in ring 3.
  fault_program user_fault_cache_maintenance_main
  mov x9, sp
  dc zva, x9
  b .
  .size user_fault_cache_maintenance_main, . - user_fault_cache_maintenance_main

  // A branch to an address that is not a multiple of 4: the PC alignment
  // fault (EC 0x22), taken at the target, which ELR and FAR hold.
  fault_program user_fault_jump_misaligned_main
  adr x9, 1f
  add x9, x9, #2
  br x9
1:
  b .
  .size user_fault_jump_misaligned_main, . - user_fault_jump_misaligned_main

  .ltorg
