// Per-task EL0 memory on AArch64 (kernel-image/user/user_data.S is the
// x86-64 one): one slot per task, page-aligned, laid out as in
// core/user_layout.h (guard page, stack, counter page, heap). Each task's
// address space maps only its own slot's pages
// (hw-aarch64/cpu/address_space.cpp). The user region's data section gets
// a word of its own, so it is never empty: address_space.cpp maps its page
// in every space.
#include "core/user_layout.h"

  .section .user_data, "aw"
  .balign 8
  .quad 0

  .section .user_bss, "aw", @nobits
  .balign 4096
  .global user_slots
user_slots:
  .space PRISTINE_USER_SLOTS * PRISTINE_USER_SLOT_SIZE
