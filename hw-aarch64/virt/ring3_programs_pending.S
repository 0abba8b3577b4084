// The AArch64 kernel image's user region beside its ring-3 programs: every
// program of core/program_list.def not yet built for AArch64 (an x86-64
// assembly program without its AArch64 twin in kernel-image/user/aarch64/)
// has its entry symbol here, weak, on a permanently undefined instruction:
// an EL0 task sent there ends with an undefined-instruction exception. The
// programs that are built define theirs and win. Then the slots core/ lays
// the tasks' stacks, counters and heaps in (core/user_layout.h).
#include "core/user_layout.h"

  .section .user_text, "ax"
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  .weak entry; entry: udf number;
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
