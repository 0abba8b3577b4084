// Run the bring-up image's EL0 program and come back when it ended
// (hw-aarch64/virt/bringup_main.cpp): bringup_enter_user(entry, user_stack)
// keeps the caller's callee-saved registers and stack pointer, then enters
// EL0 with eret (DAIF masked: no interrupt is taken in EL0 here); the
// exception that ends the program returns to bringup_user_task_ended at EL1,
// which takes them back and returns from bringup_enter_user.
  .text
  .global bringup_enter_user
bringup_enter_user:
  adrp x2, kernel_context
  add x2, x2, :lo12:kernel_context
  stp x19, x20, [x2, #0]
  stp x21, x22, [x2, #16]
  stp x23, x24, [x2, #32]
  stp x25, x26, [x2, #48]
  stp x27, x28, [x2, #64]
  stp x29, x30, [x2, #80]
  mov x3, sp
  str x3, [x2, #96]
  msr elr_el1, x0
  msr sp_el0, x1
  mov x3, #0x3c0  // SPSR: EL0t, D A I F masked
  msr spsr_el1, x3
  eret

  .global bringup_user_task_ended
bringup_user_task_ended:
  adrp x2, kernel_context
  add x2, x2, :lo12:kernel_context
  ldp x19, x20, [x2, #0]
  ldp x21, x22, [x2, #16]
  ldp x23, x24, [x2, #32]
  ldp x25, x26, [x2, #48]
  ldp x27, x28, [x2, #64]
  ldp x29, x30, [x2, #80]
  ldr x3, [x2, #96]
  mov sp, x3
  ret

  .bss
  .balign 16
kernel_context:
  .space 112
