// The bring-up image's EL0 program (hw-aarch64/virt/bringup_main.cpp): a
// system call with the seed's convention, then a read of a kernel address,
// which EL0 may not make: the abort ends it. x19 keeps the call's result
// for the kernel to read in the abort's frame.
  .section .user_text, "ax"
  .global bringup_user_entry
bringup_user_entry:
  mov x8, #39
  mov x0, #41
  svc #0
  mov x19, x0
  ldr x1, =0xffffff8040200000  // the first page of the kernel image
  ldr x2, [x1]
1:b 1b
  .ltorg
