// System call numbers (SYS_YIELD, ...) and errors (EFAULT, ...) for the ring-3
// programs, as assembler symbols made from the kernel's own lists
// (core/syscall/syscall_list.def, core/syscall/syscall_error_list.def).
// `#include "syscalls.h"` from a .S file (the C preprocessor runs first).
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) .set SYS_##asm_name, number
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL

#define PRISTINE_SYSCALL_ERROR(name, errno_value) .set name, -(errno_value)
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR

#include "core/syscall/abi_sizes.h"
.set SYSTEM_INFO_SIZE, PRISTINE_SYSTEM_INFO_SIZE
