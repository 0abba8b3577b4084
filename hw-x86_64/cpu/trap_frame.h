// The register frame every interrupt, exception and syscall entry builds on
// the kernel stack (hw-x86_64/cpu/interrupt_entry.S, syscall_entry.S), lowest
// address first. The same layout is the saved state of a task that is not
// running. The assembly uses the offsets below; static_asserts keep the two
// in step.
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

namespace trap_frame_offset {
inline constexpr std::size_t kPreservedSize = 48;  // rbx .. r15
inline constexpr std::size_t kRax = 64;
inline constexpr std::size_t kVector = 120;
inline constexpr std::size_t kRip = 136;
inline constexpr std::size_t kCs = 144;
inline constexpr std::size_t kSize = 176;
}  // namespace trap_frame_offset

static_assert(offsetof(TrapFrame, rcx) == trap_frame_offset::kPreservedSize);
static_assert(offsetof(TrapFrame, rax) == trap_frame_offset::kRax);
static_assert(offsetof(TrapFrame, syscall) == trap_frame_offset::kRax);
static_assert(offsetof(TrapFrame, r9) == offsetof(TrapFrame, syscall.arg[5]));
static_assert(offsetof(TrapFrame, vector) == trap_frame_offset::kVector);
static_assert(offsetof(TrapFrame, rip) == trap_frame_offset::kRip);
static_assert(offsetof(TrapFrame, cs) == trap_frame_offset::kCs);
static_assert(sizeof(TrapFrame) == trap_frame_offset::kSize);
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
