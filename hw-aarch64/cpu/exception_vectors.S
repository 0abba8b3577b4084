// The EL1 exception vector table (VBAR_EL1) and the one entry path every
// exception takes: each of the sixteen entries saves x0/x1, names itself in
// x1 (hw-aarch64/cpu/trap_frame.h, VectorEntry) and branches to the common
// path, which completes the TrapFrame on the EL1 stack, calls
// aarch64_exception(frame, entry) and returns with eret from the frame it
// returns: the same one (a handler may have changed ELR/SPSR, e.g. to skip
// an instruction) or another task's (a switch: the frame is where that
// task's stack was when it was interrupted). pristine_exception_return
// enters a frame (machine::enter_frame).
#define FRAME_SIZE 272   /* kTrapFrameSize */
#define FRAME_SP_EL0 248 /* offsetof(TrapFrame, sp_el0) */
#define FRAME_ELR 256    /* offsetof(TrapFrame, elr) */

  .section .text.vectors, "ax"
  .balign 2048
  .global pristine_exception_vectors
pristine_exception_vectors:
  .irp entry, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  .balign 128
  sub sp, sp, #FRAME_SIZE
  stp x0, x1, [sp, #0]
  mov x1, #\entry
  b exception_common
  .endr

  .text
  .balign 16
exception_common:
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  mrs x21, sp_el0
  stp x30, x21, [sp, #240]
  mrs x22, elr_el1
  mrs x23, spsr_el1
  stp x22, x23, [sp, #FRAME_ELR]
  mov x0, sp
  bl aarch64_exception
  .global pristine_exception_return
  .type pristine_exception_return, %function
pristine_exception_return:
  mov sp, x0
  ldp x22, x23, [sp, #FRAME_ELR]
  msr elr_el1, x22
  msr spsr_el1, x23
  ldp x30, x21, [sp, #240]
  msr sp_el0, x21
  ldp x0, x1, [sp, #0]
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  add sp, sp, #FRAME_SIZE
  eret
  .size pristine_exception_return, . - pristine_exception_return
