// Copies between kernel memory and EL0 memory (machine::copy_from_user,
// machine::copy_to_user; core/syscall/user_access.h checks the range first).
// Sixty-four bytes a turn (four load pairs, then four store pairs) while
// sixty-four are left, then eight, then a byte a turn: each access is
// registered in the user-access table (core/syscall/user_access_table.h).
// If one faults, the kernel's exception path maps the page and retries it
// (a turn moves its pointers only at its end, so any of its accesses can be
// retried), or resumes at the fixup, which returns the bytes left (x2 counts
// them down at the end of each turn, so a turn that faulted counts as not
// copied). EL0 memory is Normal memory: unaligned
// eight-byte accesses are allowed there (SCTLR_EL1.A is clear).
//
// Where the CPU has PAN (cpu/pan.h), it is cleared for the copy and set
// again on both ways out: these are the only kernel accesses to EL0 memory.
// A fault in the copy returns through the exception with the copy's PSTATE
// (PAN clear) to the fixup, which sets it again.
  .section .text.pristine_hot, "ax"

  // PSTATE.PAN = \value (0 or 1) if the kernel runs with PAN; x9, x10 scratch.
  .macro set_pan value
  adrp x9, pristine_aarch64_pan
  ldr w9, [x9, :lo12:pristine_aarch64_pan]
  cbz w9, 9f
  mov x10, #(\value << 22)
  msr s3_0_c4_c2_3, x10   // PAN
9:
  .endm

  // std::size_t aarch64_user_copy(void* to, const void* from, std::size_t length):
  // the bytes not copied (0: all of them).
  .global aarch64_user_copy
  .type aarch64_user_copy, %function
aarch64_user_copy:
  set_pan 0
0:cmp x2, #64
  b.lo 1f
aarch64_user_copy_load64_0:
  ldp x3, x4, [x1]
aarch64_user_copy_load64_1:
  ldp x5, x6, [x1, #16]
aarch64_user_copy_load64_2:
  ldp x7, x8, [x1, #32]
aarch64_user_copy_load64_3:
  ldp x11, x12, [x1, #48]
aarch64_user_copy_store64_0:
  stp x3, x4, [x0]
aarch64_user_copy_store64_1:
  stp x5, x6, [x0, #16]
aarch64_user_copy_store64_2:
  stp x7, x8, [x0, #32]
aarch64_user_copy_store64_3:
  stp x11, x12, [x0, #48]
  add x1, x1, #64
  add x0, x0, #64
  sub x2, x2, #64
  b 0b
1:cmp x2, #8
  b.lo 2f
aarch64_user_copy_load8:
  ldr x3, [x1], #8
aarch64_user_copy_store8:
  str x3, [x0], #8
  sub x2, x2, #8
  b 1b
2:cbz x2, 3f
aarch64_user_copy_load:
  ldrb w3, [x1], #1
aarch64_user_copy_store:
  strb w3, [x0], #1
  sub x2, x2, #1
  b 2b
3:set_pan 1
  mov x0, #0
  ret
aarch64_user_copy_fixup:
  set_pan 1
  mov x0, x2
  ret
  .size aarch64_user_copy, . - aarch64_user_copy

  .section .pristine_user_access, "a"
  .balign 8
  .quad aarch64_user_copy_load64_0, aarch64_user_copy_fixup
  .quad aarch64_user_copy_load64_1, aarch64_user_copy_fixup
  .quad aarch64_user_copy_load64_2, aarch64_user_copy_fixup
  .quad aarch64_user_copy_load64_3, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store64_0, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store64_1, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store64_2, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store64_3, aarch64_user_copy_fixup
  .quad aarch64_user_copy_load8, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store8, aarch64_user_copy_fixup
  .quad aarch64_user_copy_load, aarch64_user_copy_fixup
  .quad aarch64_user_copy_store, aarch64_user_copy_fixup
