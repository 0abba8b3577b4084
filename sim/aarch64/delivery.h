// Taking an interrupt or exception to EL1, as the run loop asks it of any
// CPU (the x86-64 twin is sim/x86_64/delivery.h): the entry itself is
// sim/aarch64/exception_entry.h; this is the run loop's side of it. The
// request names what core/ will see (an exception slot of
// hw-aarch64/include/arch/vectors.h, or an interrupt's vector) and, for a
// synchronous exception, the syndrome (ESR_EL1) and fault address
// (FAR_EL1) the CPU reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/aarch64/cost_model.h"
#include "sim/aarch64/exception_entry.h"
#include "sim/guest_arch.h"
#include "sim/guest_memory.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

enum class DeliveryKind : std::uint8_t {
  External,   // an IRQ from the interrupt controller
  Exception,  // a synchronous exception the CPU raised (abort, undefined, brk)
  Software,   // svc: a system call from EL0, kernel_wait's from EL1
};

struct DeliveryRequest {
  Vector vector = 0;  // what core/ will see: an interrupt's vector, an exception slot
  DeliveryKind kind = DeliveryKind::External;
  std::uint64_t error_code = 0;  // ESR_EL1 (synchronous only)
  std::optional<VirtAddr> fault_address;  // FAR_EL1 (aborts, and a PC alignment fault)
};

struct DeliveryOutcome {
  bool delivered = false;
  Vector vector = 0;
  bool from_user = false;  // the CPU was at EL0
  std::string failure;     // never set: an AArch64 entry cannot fault (VBAR_EL1 is not checked)
};

// ELR_EL1 is the current PC: the instruction that faulted or was
// interrupted, or the one after an svc (Unicorn stops past it).
DeliveryOutcome deliver(aarch64::GuestCpu& cpu, GuestMemory& memory, const DeliveryRequest& request);

// PSTATE.I clear: an IRQ can be taken before the next instruction.
inline bool interrupt_window_open(const aarch64::GuestCpu& cpu, std::uint32_t) { return cpu.interrupts_enabled(); }

// The handler acknowledges an interrupt (the board's ACKNOWLEDGE, as
// GICv3's ICC_IAR1_EL1); taking the IRQ does not.
inline constexpr bool kDeliveryAcknowledges = false;

// A pending interrupt ends `wfi` even while PSTATE.I masks it (Arm ARM
// D1.16.2); core/'s idle unmasks after the wfi (hw-aarch64/cpu/machine_cpu.cpp).
inline constexpr bool kHaltWakesWhileMasked = true;

inline std::uint32_t delivery_cycles(const aarch64::EventCosts& e, const DeliveryRequest& r, bool from_user) {
  if (r.kind == DeliveryKind::External) return from_user ? e.irq_from_el0 : e.irq_same_el;
  return from_user ? e.sync_exception_from_el0 : e.sync_exception_same_el;
}
inline std::uint32_t exception_cycles(const aarch64::EventCosts&) { return 0; }  // within delivery_cycles

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
