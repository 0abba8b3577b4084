// The neutral words for an exception: its kind and, for a page fault, how
// the access was made. The architecture maps its own exception numbers and
// error-code bits onto them (arch/vectors.h); core/ acts on these only.
#pragma once

#include <cstdint>

namespace pristine {

// What went wrong, in the words core/ acts on or reports.
enum class ExceptionKind : std::uint8_t {
  Other,               // anything below: reported, and a ring-3 task is ended
  PageFault,           // a memory access the page tables did not allow
  IllegalInstruction,  // an undefined or not-allowed opcode
  Protection,          // a privilege or segment/descriptor check failed
  Divide,              // integer division by zero or overflow
  Breakpoint,          // a breakpoint or debug trap
  NonMaskable,         // the non-maskable interrupt: may land inside any path
  NestedFault,         // a fault while delivering another (e.g. no stack left to deliver on)
  FpuUnavailable,      // the first FPU/SIMD instruction since the switch: load the task's state
};

// How the faulting memory access was made (page faults; 0 otherwise): bits of
// ExceptionInfo::access(). The values are core/'s own; an architecture whose
// encoding happens to match translates with a mask (and checks that it does).
namespace access {
inline constexpr std::uint8_t kProtection = 1 << 0;  // the page was present: a permission was violated
inline constexpr std::uint8_t kWrite = 1 << 1;       // else a read
inline constexpr std::uint8_t kUser = 1 << 2;        // made in ring 3 / user mode
inline constexpr std::uint8_t kReservedBit = 1 << 3;  // the page tables held a reserved bit
inline constexpr std::uint8_t kFetch = 1 << 4;       // an instruction fetch
}  // namespace access

}  // namespace pristine
