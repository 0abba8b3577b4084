// What core/ learns about a CPU exception: a description that the
// architecture's exception entry fills (x86-64: hw-x86_64/cpu/exception_decoding.h)
// and answers in neutral words (core/interrupt/exception_kind.h).
#pragma once

#include <cstdint>

#include "arch/vectors.h"
#include "core/interrupt/exception_kind.h"
#include "core/types.h"

namespace pristine {

// An exception as the architecture's entry saw it. The fields are what the
// entry reads anyway (the hot path pays for nothing more); the neutral words
// core/ decides on are answered by the architecture from them, inline
// (arch/vectors.h), so core/ never names an exception number or error bit.
struct ExceptionInfo {
  Vector vector;            // where it arrived: the accounting slot (CpuLocal::interrupt_paths)
  bool from_user;           // the interrupted context was ring 3 / user mode
  std::uint64_t code;       // the architecture's own word about it (x86-64: the error code), for reports
  VirtAddr ip;              // the faulting instruction
  VirtAddr fault_address;   // the address a page fault was on, else 0
  VirtAddr stack_pointer;   // of the interrupted context

  constexpr ExceptionKind kind() const { return arch::exception_kind(vector); }
  constexpr bool is(ExceptionKind k) const { return arch::exception_is(vector, k); }  // kind() == k, cheaper
  // access:: bits of a page fault, 0 for any other exception.
  constexpr std::uint8_t access() const { return arch::exception_access(vector, code); }
};

}  // namespace pristine
