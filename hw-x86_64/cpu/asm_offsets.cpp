// The offsets and constants the CPU entry assembly uses (interrupt_entry.S,
// syscall_entry.S, trap_frame.inc, and kernel-image/broken/), generated into
// build/generated/hw-x86_64/cpu/asm_offsets.inc (asm_constant.h). Never
// linked: the build only compiles this file to assembly.
#include <cstddef>

#include "hw-x86_64/cpu/asm_constant.h"
#include "hw-x86_64/cpu/descriptor_tables.h"
#include "hw-x86_64/cpu/exception_vectors.h"
#include "hw-x86_64/cpu/registers.h"
#include "hw-x86_64/cpu/per_cpu.h"
#include "hw-x86_64/cpu/segments.h"
#include "hw-x86_64/cpu/trap_frame.h"

namespace pristine::x86 {

void emit_asm_offsets() {
  // TrapFrame, from the frame's base (%rsp once the entry saved the registers).
  PRISTINE_ASM_CONSTANT(FRAME_RBX, offsetof(TrapFrame, rbx));
  PRISTINE_ASM_CONSTANT(FRAME_RBP, offsetof(TrapFrame, rbp));
  PRISTINE_ASM_CONSTANT(FRAME_R12, offsetof(TrapFrame, r12));
  PRISTINE_ASM_CONSTANT(FRAME_R13, offsetof(TrapFrame, r13));
  PRISTINE_ASM_CONSTANT(FRAME_R14, offsetof(TrapFrame, r14));
  PRISTINE_ASM_CONSTANT(FRAME_R15, offsetof(TrapFrame, r15));
  PRISTINE_ASM_CONSTANT(FRAME_PRESERVED_SIZE, offsetof(TrapFrame, rcx));  // rbx .. r15
  PRISTINE_ASM_CONSTANT(FRAME_RCX_R11_SIZE, offsetof(TrapFrame, rax) - offsetof(TrapFrame, rcx));
  PRISTINE_ASM_CONSTANT(FRAME_VECTOR, offsetof(TrapFrame, vector));
  PRISTINE_ASM_CONSTANT(FRAME_CS, offsetof(TrapFrame, cs));
  PRISTINE_ASM_CONSTANT(FRAME_RAX, offsetof(TrapFrame, rax));
  PRISTINE_ASM_CONSTANT(FRAME_RFLAGS, offsetof(TrapFrame, rflags));

  // From the vector slot (%rsp in a stub's common path before the registers
  // are pushed, and after the syscall return popped them).
  PRISTINE_ASM_CONSTANT(VECTOR_AND_ERROR_CODE_SIZE, offsetof(TrapFrame, rip) - offsetof(TrapFrame, vector));
  PRISTINE_ASM_CONSTANT(VECTOR_TO_RIP, offsetof(TrapFrame, rip) - offsetof(TrapFrame, vector));
  PRISTINE_ASM_CONSTANT(VECTOR_TO_CS, offsetof(TrapFrame, cs) - offsetof(TrapFrame, vector));
  PRISTINE_ASM_CONSTANT(VECTOR_TO_RFLAGS, offsetof(TrapFrame, rflags) - offsetof(TrapFrame, vector));
  PRISTINE_ASM_CONSTANT(VECTOR_TO_RSP, offsetof(TrapFrame, rsp) - offsetof(TrapFrame, vector));

  // The CPU's interrupt frame, from its RIP slot (%rsp just before iretq).
  PRISTINE_ASM_CONSTANT(IRET_RIP, offsetof(TrapFrame, rip) - offsetof(TrapFrame, rip));
  PRISTINE_ASM_CONSTANT(IRET_CS, offsetof(TrapFrame, cs) - offsetof(TrapFrame, rip));
  PRISTINE_ASM_CONSTANT(IRET_RFLAGS, offsetof(TrapFrame, rflags) - offsetof(TrapFrame, rip));
  PRISTINE_ASM_CONSTANT(IRET_RSP, offsetof(TrapFrame, rsp) - offsetof(TrapFrame, rip));

  PRISTINE_ASM_CONSTANT(INTERRUPT_STUB_SIZE, kInterruptStubSize);
  PRISTINE_ASM_CONSTANT(SYSCALL_VECTOR, kSyscallFrameVector);
  PRISTINE_ASM_CONSTANT(SYSCALL_GATE_VECTOR, static_cast<unsigned>(vectors::kSyscallGate));
  PRISTINE_ASM_CONSTANT(RFLAGS_CARRY, x86::kRflagsCarry);
  PRISTINE_ASM_CONSTANT(SYSCALL_FIRST_ERROR, kSyscallFirstError);
  PRISTINE_ASM_CONSTANT(USER_CS, kUserCode);
  PRISTINE_ASM_CONSTANT(USER_SS, kUserData);

  // The per-CPU block, from the GS base.
  PRISTINE_ASM_CONSTANT(PER_CPU_USER_RSP, offsetof(PerCpu, user_rsp));
  PRISTINE_ASM_CONSTANT(PER_CPU_KERNEL_RSP, offsetof(PerCpu, kernel_rsp));
}

}  // namespace pristine::x86
