// Entry of the AArch64 image on QEMU's `virt` board: QEMU starts the boot CPU
// here at EL1 (no EL2 or EL3 unless asked for), MMU and caches off, with the
// device tree's address in x0 (unused yet). Set the stack, clear .bss,
// install the vector table and call the C++ entry; it never returns.
  .section .text.boot, "ax"
  .global _start
_start:
  ldr x1, =pristine_boot_stack_top
  mov sp, x1
  ldr x1, =__bss_start
  ldr x2, =__bss_end
1:cmp x1, x2
  b.hs 2f
  str xzr, [x1], #8
  b 1b
2:ldr x1, =pristine_exception_vectors
  msr vbar_el1, x1
  isb
  bl aarch64_main
3:wfi
  b 3b

  .section .bss.boot_stack, "aw", @nobits
  .balign 16
  .space 16384
  .global pristine_boot_stack_top
pristine_boot_stack_top:
