// Route the SYSCALL instruction to syscall_entry (STAR, LSTAR, SFMASK, EFER.SCE).
#pragma once

namespace pristine::x86 {

// Cold path, once per CPU.
void syscall_setup();

}  // namespace pristine::x86
