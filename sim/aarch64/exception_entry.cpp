#include "sim/aarch64/exception_entry.h"

namespace pristine::sim::aarch64 {

void take_exception(GuestCpu& cpu, const Exception& e) {
  const std::uint32_t old = cpu.pstate();
  const bool from_lower_el = pstate::exception_level(old) == 0;
  const bool on_sp_elx = !from_lower_el && (old & pstate::kStackSelect);

  // PAN on entry (D1.10.2 with FEAT_PAN): set unless SCTLR_EL1.SPAN says to keep it.
  std::uint32_t next = pstate::kDaif | pstate::kEl1h;
  if (cpu.has_pan()) {
    const bool keep = cpu.system_register(kSctlrEl1) & sctlr::kSetPanOnEntryOff;
    if (!keep || (old & pstate::kPan)) next |= pstate::kPan;
  }
  // The stack pointer is banked: leaving SP_EL0 (EL0, or EL1 on SP_EL0)
  // stores it and loads SP_EL1; EL1 on SP_EL1 keeps its own.
  if (!on_sp_elx) {
    const std::uint64_t sp_el0 = cpu.reg(UC_ARM64_REG_SP);
    cpu.set_reg(UC_ARM64_REG_SP_EL0, sp_el0);
    cpu.set_reg(UC_ARM64_REG_SP, cpu.reg(UC_ARM64_REG_SP_EL1));
  }
  cpu.set_system_register(kElrEl1, e.return_address);
  if (e.type == ExceptionType::Synchronous) cpu.set_system_register(kEsrEl1, e.syndrome);
  if (e.fault_address) cpu.set_system_register(kFarEl1, *e.fault_address);
  cpu.set_system_register(kSpsrEl1, old);
  cpu.set_pstate(next);
  cpu.set_pc(cpu.system_register(kVbarEl1) + vector_offset(e.type, from_lower_el, on_sp_elx));
}

}  // namespace pristine::sim::aarch64
