// The x86-64 words of a fatal kernel exception report (cold path): the
// registers and the error code that core/'s neutral description leaves out.
#include "core/console.h"
#include "core/hot_path.h"
#include "core/interrupt/exception.h"
#include "core/machine.h"
#include "hw-x86_64/cpu/exception_decoding.h"

namespace pristine::machine {
namespace {

// Error codes in words (Intel SDM Vol. 3, 6.13 and 4.7).
PRISTINE_COLD void write_error_code(const ExceptionInfo& info) {
  const std::uint64_t e = info.code;
  if (info.vector == vectors::kPageFault) {
    console::write(e & x86::page_fault_error::kPresent ? " (protection violation" : " (page not present");
    console::write(e & x86::page_fault_error::kWrite ? ", write" : ", read");
    console::write(e & x86::page_fault_error::kUser ? ", user" : ", supervisor");
    if (e & x86::page_fault_error::kReservedBit) console::write(", reserved bit set");
    if (e & x86::page_fault_error::kFetch) console::write(", instruction fetch");
    console::write(")");
  } else if (vectors::has_error_code(info.vector) && e != 0) {
    const x86::SelectorError selector = x86::decode_selector_error(e);
    using Table = x86::SelectorError::Table;
    console::write(selector.external ? " (external" : " (internal");
    console::write(selector.table == Table::Idt ? ", IDT" : selector.table == Table::Ldt ? ", LDT" : ", GDT");
    console::write(" index ");
    console::write_dec(selector.index);
    console::write(")");
  }
}

}  // namespace

PRISTINE_COLD void write_exception_details(const ExceptionInfo& info) {
  console::write(" rip=");
  console::write_hex(info.ip);
  console::write(" error=");
  console::write_hex(info.code);
  write_error_code(info);
  console::write(" cr2=");
  console::write_hex(info.fault_address);
}

}  // namespace pristine::machine
