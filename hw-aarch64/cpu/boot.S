// Entry of the AArch64 image on every board: QEMU's `virt` (no EL2 or EL3
// unless asked for) and the simulated board start the boot CPU here at EL1,
// MMU and caches off, at the image's physical address. Until the MMU is on,
// only PC-relative addresses work (the image is linked in the kernel's
// linear map): set a stack, clear .bss, let aarch64_enable_mmu (C++,
// hw-aarch64/cpu/mmu_setup.cpp, built to need nothing else) build the
// tables and turn the MMU on, then jump to the linked address, take the
// linked stack and vectors and call the board's C++ entry, aarch64_main;
// it never returns.
  .section .text.boot, "ax"
  .global _start
_start:
  adrp x1, pristine_boot_stack_top
  add x1, x1, :lo12:pristine_boot_stack_top
  mov sp, x1
  adrp x1, __bss_start
  add x1, x1, :lo12:__bss_start
  adrp x2, __bss_end
  add x2, x2, :lo12:__bss_end
1:cmp x1, x2
  b.hs 2f
  str xzr, [x1], #8
  b 1b
2:bl aarch64_enable_mmu
  ldr x1, =virtual_start  // the linked (virtual) address, from the literal pool
  br x1
virtual_start:
  ldr x1, =pristine_boot_stack_top
  mov sp, x1
  ldr x1, =pristine_exception_vectors
  msr vbar_el1, x1
  isb
  bl aarch64_main
3:wfi
  b 3b

  .section .bss.boot_stack, "aw", @nobits
  .balign 4096
  .space 16384
  .global pristine_boot_stack_top
pristine_boot_stack_top:
