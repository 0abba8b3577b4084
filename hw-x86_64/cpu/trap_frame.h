// The register frame every interrupt and exception entry builds on the kernel
// stack (hw-x86_64/cpu/interrupt_entry.S), lowest address first. The same
// layout is the saved state of a task that is not running. The assembly uses
// the offsets below; static_asserts keep the two in step.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine {

struct TrapFrame {
  // Pushed by interrupt_common, last pushed first.
  std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  std::uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  // Pushed by the per-vector stub (a zero error code where the CPU pushes none).
  std::uint64_t vector;
  std::uint64_t error_code;
  // Pushed by the CPU (Intel SDM Vol. 3, 6.14.2: 64-bit mode always pushes SS:RSP).
  std::uint64_t rip, cs, rflags, rsp, ss;
};

namespace trap_frame_offset {
inline constexpr std::size_t kVector = 120;
inline constexpr std::size_t kRip = 136;
inline constexpr std::size_t kCs = 144;
inline constexpr std::size_t kSize = 176;
}  // namespace trap_frame_offset

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
