// The register frame every interrupt, exception and syscall entry builds on
// the kernel stack (hw-x86_64/cpu/interrupt_entry.S, syscall_entry.S), lowest
// address first. The same layout is the saved state of a task that is not
// running. The assembly's offsets are generated from this struct
// (asm_offsets.cpp): reorder a field here and the entry code follows.
//
// Order, and why:
// - the callee-saved registers at the bottom: a path that resumes the context
//   it interrupted never writes them (the C++ code preserves them, SysV ABI);
//   only a path that leaves the context stores them (lazy save);
// - RAX, RDI, RSI, RDX, R10, R8, R9 in a row: the syscall number and its six
//   arguments as the syscall ABI orders them, so core/ reads them in place
//   (SyscallArgs).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/syscall/syscall.h"

namespace pristine {

struct TrapFrame {
  // Callee-saved: stored only when the path switches away from this context.
  std::uint64_t rbx, rbp, r12, r13, r14, r15;
  // Caller-saved, always pushed by the entry path.
  std::uint64_t rcx, r11;
  union {
    struct {
      std::uint64_t rax, rdi, rsi, rdx, r10, r8, r9;
    };
    SyscallArgs syscall;  // the same seven registers, as the syscall path reads them
  };
  // Pushed by the per-vector stub (a zero error code where the CPU pushes none).
  std::uint64_t vector;
  std::uint64_t error_code;
  // Pushed by the CPU (Intel SDM Vol. 3, 6.14.2: 64-bit mode always pushes SS:RSP).
  std::uint64_t rip, cs, rflags, rsp, ss;
};

// The vector slot of a frame built by the syscall entry: above every real
// vector, so a switch knows to leave such a frame by SYSRET (syscall_entry.S).
inline constexpr std::uint64_t kSyscallFrameVector = 0x100;

// The syscall path reads the number and six arguments in place (SyscallArgs).
static_assert(offsetof(TrapFrame, syscall) == offsetof(TrapFrame, rax));
static_assert(offsetof(TrapFrame, r9) == offsetof(TrapFrame, syscall.arg[5]));
// The CPU pushes the interrupt frame right above the stub's two slots.
static_assert(offsetof(TrapFrame, rip) == offsetof(TrapFrame, vector) + 16);
// Entry keeps RSP 16-byte aligned for the C++ call: the CPU aligns before
// pushing (SDM 6.14.2) and the frame is a multiple of 16.
static_assert(sizeof(TrapFrame) % 16 == 0);

}  // namespace pristine

#ifdef PRISTINE_LOG_RETURN_TO_RING3
namespace pristine {
// The case study of seed 000 (hw-x86_64/cpu/interrupt_dispatch.cpp).
void trace_iretq_to_ring3(const TrapFrame& frame);
}  // namespace pristine
#endif
