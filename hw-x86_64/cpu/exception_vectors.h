// The x86-64 vectors the CPU and the PC platform own: the exceptions 0-31 and
// the legacy 8259 PIC's lines above them. The simulator's delivery rules use
// these names too. The kernel's own vectors (timer, IPIs, devices, spurious)
// are core/interrupt/vectors.h; core/ sees this file only through
// arch/vectors.h, as neutral facts.
#pragma once

#include <cstdint>

#include "core/interrupt/exception_kind.h"
#include "core/types.h"

namespace pristine::vectors {

// CPU exceptions 0-31 (Intel SDM Vol. 3, Table 6-1).
inline constexpr Vector kDivideError{0};
inline constexpr Vector kDebug{1};
inline constexpr Vector kNmi{2};
inline constexpr Vector kBreakpoint{3};
inline constexpr Vector kOverflow{4};
inline constexpr Vector kBoundRange{5};
inline constexpr Vector kInvalidOpcode{6};
inline constexpr Vector kDeviceNotAvailable{7};
inline constexpr Vector kDoubleFault{8};
inline constexpr Vector kInvalidTss{10};
inline constexpr Vector kSegmentNotPresent{11};
inline constexpr Vector kStackFault{12};
inline constexpr Vector kGeneralProtection{13};
inline constexpr Vector kPageFault{14};
inline constexpr Vector kX87Fpu{16};
inline constexpr Vector kAlignmentCheck{17};
inline constexpr Vector kMachineCheck{18};
inline constexpr Vector kSimdFpu{19};
inline constexpr Vector kVirtualization{20};
inline constexpr Vector kControlProtection{21};
inline constexpr unsigned kExceptionCount = 32;

// Legacy 8259 PIC, remapped above the exceptions and masked (PC image only).
inline constexpr Vector kPicBase{0x20};
inline constexpr unsigned kPicLines = 16;

// The software system-call gate: `int $0x80` from ring 3 (a DPL 3 gate), the
// second entry to the same system calls as `syscall` (docs/syscalls.md).
inline constexpr Vector kSyscallGate{0x80};

// Exceptions that push an error code: the list is shared with the entry
// stubs (hw-x86_64/cpu/error_code_vectors.def).
constexpr bool has_error_code(Vector v) {
#define PRISTINE_ERROR_CODE_VECTOR(number) if (v == (number)) return true;
#include "hw-x86_64/cpu/error_code_vectors.def"
#undef PRISTINE_ERROR_CODE_VECTOR
  return false;
}

constexpr bool is_exception(Vector v) { return v < kExceptionCount; }
constexpr bool is_pic_line(Vector v) { return v >= kPicBase && v < kPicBase + kPicLines; }

// Exception names as reports, budgets and scenario files spell them. Stable:
// they are part of the JSON report format.
constexpr const char* exception_name(Vector v) {
  constexpr const char* kNames[kExceptionCount] = {
      "divide-error", "debug", "nmi", "breakpoint", "overflow", "bound-range",
      "invalid-opcode", "device-not-available", "double-fault", "coprocessor-overrun",
      "invalid-tss", "segment-not-present", "stack-fault", "general-protection",
      "page-fault", "exception-15", "x87-fpu", "alignment-check", "machine-check",
      "simd-fpu", "virtualization", "control-protection", "exception-22", "exception-23",
      "exception-24", "exception-25", "exception-26", "exception-27", "exception-28",
      "exception-29", "exception-30", "exception-31"};
  return kNames[v];
}

// The neutral kind core/ acts on (core/interrupt/exception.h).
constexpr ExceptionKind exception_kind(Vector v) {
  switch (v) {
    case kDivideError: return ExceptionKind::Divide;
    case kDebug:
    case kBreakpoint: return ExceptionKind::Breakpoint;
    case kNmi: return ExceptionKind::NonMaskable;
    case kInvalidOpcode: return ExceptionKind::IllegalInstruction;
    case kDoubleFault: return ExceptionKind::NestedFault;
    case kInvalidTss:
    case kSegmentNotPresent:
    case kStackFault:
    case kGeneralProtection:
    case kControlProtection: return ExceptionKind::Protection;
    case kPageFault: return ExceptionKind::PageFault;
    case kDeviceNotAvailable: return ExceptionKind::FpuUnavailable;
    default: return ExceptionKind::Other;
  }
}

}  // namespace pristine::vectors
