// Copies between kernel memory and ring-3 memory (machine::copy_from_user,
// machine::copy_to_user; core/syscall/user_access.h checks the range first).
//
// The copy is one `rep movsb`, registered in the user-access table
// (core/syscall/user_access_table.h): if it faults (a ring-3 page the task
// has not touched yet, or one it does not own), the kernel's exception path
// either maps the page and retries the instruction, or resumes at the fixup,
// which returns how many bytes were left (RCX: `rep movsb` stops precisely,
// its count is the bytes not copied). A bad user pointer is never a kernel
// fault.
        .section .text.pristine_hot, "ax"
        .code64

        // std::size_t user_copy(void* to, const void* from, std::size_t length):
        // the bytes not copied (0: all of them).
        .global x86_user_copy
        .type x86_user_copy, @function
x86_user_copy:
        movq %rdx, %rcx
        .global x86_user_copy_access
x86_user_copy_access:
        rep movsb
        xorl %eax, %eax
        ret
x86_user_copy_fixup:
        movq %rcx, %rax
        ret
        .size x86_user_copy, . - x86_user_copy

        // The table entry: the access that may fault, where it continues.
        .section .pristine_user_access, "a"
        .balign 8
        .quad x86_user_copy_access, x86_user_copy_fixup

        .section .note.GNU-stack, "", @progbits
