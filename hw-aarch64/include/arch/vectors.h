// AArch64's answers to core/'s vector questions (docs/machine-interface.md,
// "Architecture facts"). AArch64 has no vector numbers: the exception entry
// (hw-aarch64/cpu/exception_dispatch.cpp) turns the syndrome's exception
// class into one of the exception slots below, and the interrupt ID the GIC
// gives into core/'s vectors (core/interrupt/vectors.h). The slots stay
// below kFirstKernelVector, where core/ keeps its accounting per vector.
#pragma once

#include <cstdint>

#include "core/interrupt/exception_kind.h"
#include "core/types.h"

namespace pristine::arch {

// The exception slots: what the entry makes of ESR_EL1's class.
namespace aarch64_exception {
inline constexpr Vector kUndefined{0};         // EC 0x00: an unknown or undefined instruction
inline constexpr Vector kFpAccess{1};          // EC 0x07: FP/SIMD use while CPACR_EL1 traps it
inline constexpr Vector kIllegalState{2};      // EC 0x0e: an illegal execution state
inline constexpr Vector kInstructionAbort{3};  // EC 0x20/0x21
inline constexpr Vector kPcAlignment{4};       // EC 0x22
inline constexpr Vector kDataAbort{5};         // EC 0x24/0x25
inline constexpr Vector kSpAlignment{6};       // EC 0x26
inline constexpr Vector kBreakpoint{7};        // EC 0x3c: brk
inline constexpr Vector kSError{8};            // an SError interrupt
inline constexpr Vector kSystemRegister{9};    // EC 0x18: a system register or instruction EL0 may not use
inline constexpr Vector kAlignment{10};        // EC 0x24/0x25 with the alignment fault status (0x21)
inline constexpr Vector kOther{11};            // any other class
inline constexpr Vector kCount{12};
}  // namespace aarch64_exception

inline constexpr Vector kFirstKernelVector{32};

constexpr const char* reserved_vector_name(Vector v) {
  namespace e = aarch64_exception;
  switch (static_cast<std::uint8_t>(v)) {
    case e::kUndefined: return "undefined-instruction";
    case e::kFpAccess: return "fp-access";
    case e::kIllegalState: return "illegal-state";
    case e::kInstructionAbort: return "instruction-abort";
    case e::kPcAlignment: return "pc-alignment";
    case e::kDataAbort: return "data-abort";
    case e::kSpAlignment: return "sp-alignment";
    case e::kBreakpoint: return "breakpoint";
    case e::kSError: return "serror";
    case e::kSystemRegister: return "system-register";
    case e::kAlignment: return "alignment-fault";
    case e::kOther: return "exception";
    default: return v < kFirstKernelVector ? "reserved" : nullptr;
  }
}

constexpr ExceptionKind exception_kind(Vector v) {
  namespace e = aarch64_exception;
  switch (static_cast<std::uint8_t>(v)) {
    case e::kUndefined:
    case e::kIllegalState: return ExceptionKind::IllegalInstruction;
    case e::kFpAccess: return ExceptionKind::FpuUnavailable;
    case e::kInstructionAbort:
    case e::kDataAbort: return ExceptionKind::PageFault;
    case e::kPcAlignment:
    case e::kSpAlignment:
    case e::kSystemRegister:
    case e::kAlignment: return ExceptionKind::Protection;
    case e::kBreakpoint: return ExceptionKind::Breakpoint;
    default: return ExceptionKind::Other;
  }
}

constexpr bool exception_is(Vector v, ExceptionKind kind) { return exception_kind(v) == kind; }

// A page fault's access bits from the syndrome (ESR_EL1) the entry passes as
// the exception's code: the fault status code's class (translation: not
// present; permission or access flag: present), WnR for a write, an abort
// from EL0 for a user access, an instruction abort for a fetch.
constexpr std::uint8_t exception_access(Vector v, std::uint64_t esr) {
  namespace e = aarch64_exception;
  if (v != e::kDataAbort && v != e::kInstructionAbort) return 0;
  const std::uint64_t exception_class = (esr >> 26) & 0x3f;
  const std::uint64_t fault_status = esr & 0x3f;
  std::uint8_t bits = 0;
  if ((fault_status & 0x3c) == 0x0c || (fault_status & 0x3c) == 0x08) bits |= access::kProtection;
  if (v == e::kDataAbort && (esr & (1u << 6)) != 0) bits |= access::kWrite;
  if (exception_class == 0x20 || exception_class == 0x24) bits |= access::kUser;
  if (v == e::kInstructionAbort) bits |= access::kFetch;
  return bits;
}

}  // namespace pristine::arch
