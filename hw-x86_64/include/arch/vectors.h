// The vector facts of x86-64 that core/ needs, in neutral words: core/
// includes this file as "arch/vectors.h" (resolved by the build's include
// path; docs/machine-interface.md, "Architecture facts"). The x86 names behind
// them are hw-x86_64/cpu/exception_vectors.h.
#pragma once

#include "core/interrupt/exception_kind.h"
#include "core/types.h"
#include "hw-x86_64/cpu/exception_vectors.h"
#include "hw-x86_64/cpu/page_fault_error.h"

namespace pristine::arch {

// Vectors below this one belong to the CPU and the platform (x86-64: the
// exceptions 0-31 and the legacy PIC's lines); the kernel assigns the rest.
inline constexpr Vector kFirstKernelVector{vectors::kPicBase + vectors::kPicLines};

// The name of a vector the CPU or the platform owns, nullptr for the kernel's own.
constexpr const char* reserved_vector_name(Vector v) {
  if (vectors::is_exception(v)) return vectors::exception_name(v);
  if (vectors::is_pic_line(v)) return "pic-irq";
  if (v == vectors::kSyscallGate) return "syscall-gate";
  return nullptr;
}

// What an exception vector means to core/ (ExceptionKind::Other for any other vector).
constexpr ExceptionKind exception_kind(Vector v) { return vectors::exception_kind(v); }

// exception_kind(v) == kind, for the exception path: with `kind` a constant,
// a kind that is one vector folds to one compare (not a table lookup).
constexpr bool exception_is(Vector v, ExceptionKind kind) {
  switch (kind) {
    case ExceptionKind::NonMaskable: return v == vectors::kNmi;
    case ExceptionKind::PageFault: return v == vectors::kPageFault;
    case ExceptionKind::NestedFault: return v == vectors::kDoubleFault;
    default: return exception_kind(v) == kind;
  }
}

// The access:: bits of a page fault (0 for any other exception), from the
// error code the CPU pushed: one mask, as the bits coincide.
constexpr std::uint8_t exception_access(Vector v, std::uint64_t code) {
  return v == vectors::kPageFault ? x86::page_fault_access(code) : std::uint8_t{0};
}

}  // namespace pristine::arch
