// x86-64 exceptions for core/: the saved frame (and CR2 for a #PF) become
// core/'s ExceptionInfo (core/interrupt/exception.h), and a selector error code
// becomes words for the report. Pure, so the decoding is tested on the host
// (tests/exception_decoding_test.cpp).
#pragma once

#include <cstdint>

#include "core/interrupt/exception.h"
#include "hw-x86_64/cpu/exception_vectors.h"
#include "hw-x86_64/cpu/page_fault_error.h"
#include "hw-x86_64/cpu/trap_frame.h"

namespace pristine::x86 {

// A selector error code (#TS, #NP, #SS, #GP; Intel SDM Vol. 3, 6.13): which
// descriptor table entry the fault was about, if any.
struct SelectorError {
  enum class Table : std::uint8_t { Gdt, Idt, Ldt };
  bool external;  // raised by an event external to the program
  Table table;
  unsigned index;
};

constexpr SelectorError decode_selector_error(std::uint64_t error_code) {
  return {
      .external = (error_code & 1) != 0,
      .table = (error_code & 2) ? SelectorError::Table::Idt
               : (error_code & 4) ? SelectorError::Table::Ldt
                                  : SelectorError::Table::Gdt,
      .index = static_cast<unsigned>((error_code >> 3) & 0x1FFF),
  };
}

// Hot path (every exception): what the entry saw, in core/'s description.
// `read_cr2` is called for a #PF only: CR2 holds the faulting address until
// the next page fault.
template <typename ReadCr2>
constexpr ExceptionInfo describe_exception(const TrapFrame& frame, ReadCr2 read_cr2) {
  const auto vector = static_cast<Vector>(frame.vector);
  return {
      .vector = vector,
      .from_user = (frame.cs & 3) != 0,
      .code = frame.error_code,
      .ip = frame.rip,
      .fault_address = vector == vectors::kPageFault ? read_cr2() : 0,
      .stack_pointer = frame.rsp,
  };
}

}  // namespace pristine::x86
