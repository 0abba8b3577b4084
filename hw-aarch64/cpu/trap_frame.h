// The frame every exception entry builds on the EL1 stack
// (hw-aarch64/cpu/exception_vectors.S): x0-x30, SP_EL0, ELR_EL1 and
// SPSR_EL1, in this order. The assembly's offsets are checked against this
// struct by static_asserts below: one layout, two readers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine {

// core/ names it pristine::TrapFrame (core/machine.h) and never looks inside.
struct TrapFrame {
  std::uint64_t x[31];   // x0..x30 (x30: the link register)
  std::uint64_t sp_el0;  // the interrupted EL0 stack pointer
  std::uint64_t elr;     // ELR_EL1: where the exception returns
  std::uint64_t spsr;    // SPSR_EL1: the interrupted PSTATE
};

// Offsets the assembly uses (exception_vectors.S spells the same numbers).
inline constexpr std::size_t kTrapFrameSize = 272;  // 34 words, a multiple of 16 (SP alignment)
static_assert(sizeof(TrapFrame) == 34 * 8);
static_assert(offsetof(TrapFrame, sp_el0) == 248);
static_assert(offsetof(TrapFrame, elr) == 256);
static_assert(offsetof(TrapFrame, spsr) == 264);
static_assert(kTrapFrameSize == sizeof(TrapFrame) && kTrapFrameSize % 16 == 0);

}  // namespace pristine

namespace pristine::aarch64 {

// Which of the sixteen vector-table entries was taken: VBAR_EL1 + 0x80 * kind.
enum class VectorEntry : std::uint64_t {
  CurrentSp0Sync = 0, CurrentSp0Irq, CurrentSp0Fiq, CurrentSp0SError,
  CurrentSpxSync, CurrentSpxIrq, CurrentSpxFiq, CurrentSpxSError,
  Lower64Sync, Lower64Irq, Lower64Fiq, Lower64SError,
  Lower32Sync, Lower32Irq, Lower32Fiq, Lower32SError,
};

}  // namespace pristine::aarch64
