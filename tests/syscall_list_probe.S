// The SYS_* and E* values the ring-3 programs assemble with
// (kernel-image/user/syscalls.h), one .quad per line of the lists, for
// tests/syscall_list_test.cpp to compare with the kernel's C++ enum.
#include "syscalls.h"

        .section .rodata
        .balign 8
        .global pristine_probe_syscall_numbers
pristine_probe_syscall_numbers:
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) .quad SYS_##asm_name
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL

        .global pristine_probe_syscall_errors
pristine_probe_syscall_errors:
#define PRISTINE_SYSCALL_ERROR(name, errno_value) .quad name
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR

        .section .note.GNU-stack, "", @progbits
