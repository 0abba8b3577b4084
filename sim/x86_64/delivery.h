// Interrupt and exception delivery, performed host-side exactly as the CPU
// does it in IA-32e mode (Intel SDM Vol. 3, 6.12 and 6.14), because Unicorn
// hands exceptions to a hook instead of the guest IDT and has no external
// interrupts at all:
//   gate lookup through IDTR (limit, present, type, DPL for software `int n`),
//   stack selection (IST from the TSS, else RSP0 on a privilege change, else
//   the current stack), RSP aligned down to 16, the frame SS, RSP, RFLAGS, CS,
//   RIP and, for the exceptions that have one, the error code; TF/NT/RF
//   cleared, IF cleared for interrupt gates; CPL from the target code segment.
// A fault while delivering (bad gate) becomes #GP/#NP with the IDT error-code
// format; a fault while delivering #DF is a triple fault (shutdown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/host_types.h"
#include "sim/cost_model.h"
#include "sim/x86_64/guest_cpu.h"
#include "sim/guest_memory.h"

namespace pristine::sim {

enum class DeliveryKind : std::uint8_t {
  External,   // from the interrupt controller (EXT = 1 in derived error codes)
  Exception,  // raised by the CPU (fault or trap)
  Software,   // int n / int3: the gate's DPL must admit the current CPL
};

struct DeliveryRequest {
  Vector vector = 0;
  DeliveryKind kind = DeliveryKind::External;
  std::uint64_t error_code = 0;  // pushed only for exceptions that have one
};

struct DeliveryOutcome {
  bool delivered = false;       // false: triple fault (the machine shuts down)
  Vector vector = 0;            // what was finally delivered (#GP/#NP/#DF on escalation)
  bool from_user = false;       // the CPU was in ring 3
  bool stack_switched = false;  // RSP0 or IST was loaded
  std::uint8_t ist = 0;
  VirtAddr frame = 0;           // RSP after the push: the lowest frame word
  std::string failure;          // why delivery failed (triple fault)
};

DeliveryOutcome deliver(GuestCpu& cpu, GuestMemory& memory, const DeliveryRequest& request);

// Whether an external interrupt may be taken at this instruction boundary:
// RFLAGS.IF set and not in the one-instruction shadow of sti / mov ss / pop ss
// (SDM Vol. 3, 6.8.1 and 6.8.3). `last_block_flags` are the flags of the
// block that just ran.
constexpr bool interrupt_window_open(std::uint64_t rflags, std::uint32_t last_block_flags) {
  return (rflags & kRflagsIf) != 0 && (last_block_flags & kBlockEndsWithSti) == 0;
}
inline bool interrupt_window_open(const GuestCpu& cpu, std::uint32_t last_block_flags) {
  return interrupt_window_open(cpu.reg(UC_X86_REG_RFLAGS), last_block_flags);
}

// Delivering an external interrupt acknowledges it: the local APIC moves the
// vector from IRR to ISR as the CPU takes it (SDM Vol. 3, 11.8.4).
inline constexpr bool kDeliveryAcknowledges = true;

// hlt with IF = 0 sleeps for good (only an NMI would end it).
inline constexpr bool kHaltWakesWhileMasked = false;

// What a delivery costs (sim/cost_model.h): the IDT lookup and frame, more
// with the TSS stack switch from ring 3; an exception adds its own on top
// once the handler is entered (exception_cycles).
inline std::uint32_t delivery_cycles(const EventCosts& e, const DeliveryRequest&, bool from_user) {
  return from_user ? e.interrupt_delivery_from_user : e.interrupt_delivery_same_ring;
}
inline std::uint32_t exception_cycles(const EventCosts& e) { return e.exception_delivery; }

}  // namespace pristine::sim
