// The user region of the AArch64 kernel image until the ring-3 programs are
// built for AArch64 (docs/aarch64.md, "What comes next"): every program of
// core/program_list.def has its entry symbol, each on a permanently
// undefined instruction (an EL0 task sent there ends with an undefined-
// instruction exception), and the slots core/ lays the tasks' stacks,
// counters and heaps in (core/user_layout.h). The board boots no ring-3
// task (virt/board_init.cpp).
#include "core/user_layout.h"

  .section .user_text, "ax"
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  .global entry; entry: udf number;
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description)
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD

  .section .user_data, "aw"
  .balign 8
  .quad 0

  .section .user_bss, "aw", @nobits
  .balign 4096
  .global user_slots
user_slots:
  .space PRISTINE_USER_SLOTS * PRISTINE_USER_SLOT_SIZE
