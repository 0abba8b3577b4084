// Exception entry to EL1 as the CPU performs it (Arm ARM D1.10 "Exception
// entry"), done by the simulator because Unicorn takes none itself
// (sim/aarch64/guest_cpu.h): the return address to ELR_EL1, PSTATE to
// SPSR_EL1, the syndrome to ESR_EL1 and, for an abort, the address to
// FAR_EL1; then PSTATE.DAIF all set, EL1 with SP_EL1 (the stack pointer
// banked), PSTATE.PAN set where the CPU has PAN and SCTLR_EL1.SPAN is 0,
// and PC at VBAR_EL1 plus the entry for the kind and where it came from.
// `eret` is the engine's own (it restores PSTATE, the stack pointer and PC).
#pragma once

#include <cstdint>
#include <optional>

#include "hw-aarch64/cpu/exception_syndrome.h"
#include "sim/aarch64/guest_cpu.h"
#include "sim/host_types.h"

namespace pristine::sim::aarch64 {

using pristine::aarch64::ExceptionClass;

// The four kinds of exception, in vector-table order.
enum class ExceptionType : std::uint8_t { Synchronous = 0, Irq = 1, Fiq = 2, SError = 3 };

// The entry's offset from VBAR_EL1 (D1.10.2, table "Vector offsets from
// vector table base address"): 0x000 from the current EL on SP_EL0, 0x200 on
// SP_ELx, 0x400 from a lower EL in AArch64, 0x600 in AArch32; 0x80 apart by type.
constexpr std::uint64_t vector_offset(ExceptionType type, bool from_lower_el, bool on_sp_elx) {
  const std::uint64_t group = from_lower_el ? 0x400 : (on_sp_elx ? 0x200 : 0x000);
  return group + 0x80 * static_cast<std::uint64_t>(type);
}

// ESR_EL1 values (D17.2.37): the class in bits 31:26, IL (bit 25) set for
// a 32-bit instruction (all of A64), the class's syndrome in bits 24:0.
namespace syndrome {
inline constexpr std::uint64_t kInstructionLength32 = 1ull << 25;
inline constexpr std::uint64_t kWriteNotRead = 1ull << 6;  // data aborts: WnR
constexpr std::uint64_t make(ExceptionClass ec, std::uint64_t iss) {
  return (static_cast<std::uint64_t>(ec) << 26) | kInstructionLength32 | (iss & 0x1ffffff);
}
constexpr std::uint64_t svc(std::uint16_t immediate) { return make(ExceptionClass::Svc64, immediate); }
constexpr std::uint64_t brk(std::uint16_t immediate) { return make(ExceptionClass::Brk64, immediate); }
constexpr std::uint64_t undefined() { return make(ExceptionClass::Unknown, 0); }
// A PC that is not a multiple of 4 (EC 0x22): no ISS; FAR holds the PC.
constexpr std::uint64_t pc_alignment() { return make(ExceptionClass::PcAlignment, 0); }
// An FP/SIMD instruction CPACR_EL1.FPEN traps, from AArch64: ISS CV = 1,
// COND = 0xe (D17.2.37, "ISS encoding for an exception from an access to
// SIMD or floating-point functionality").
constexpr std::uint64_t fp_access() { return make(ExceptionClass::FpAccess, 0x1e00000); }
// An MSR, MRS or system instruction trapped (EC 0x18): its fields as ISS
// lays them out (Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm
// 4:1, Direction 0: 1 for a read).
constexpr std::uint64_t system_register_trap(unsigned op0, unsigned op1, unsigned op2, unsigned crn, unsigned crm,
                                             unsigned rt, bool read) {
  return make(ExceptionClass::SystemRegister, (std::uint64_t{op0} << 20) | (std::uint64_t{op2} << 17) |
                                                  (std::uint64_t{op1} << 14) | (std::uint64_t{crn} << 10) |
                                                  (std::uint64_t{rt} << 5) | (std::uint64_t{crm} << 1) | (read ? 1 : 0));
}
constexpr std::uint64_t data_abort(bool from_lower_el, bool write, std::uint32_t fault_status) {
  return make(from_lower_el ? ExceptionClass::DataAbortLowerEl : ExceptionClass::DataAbortSameEl,
              (write ? kWriteNotRead : 0) | fault_status);
}
constexpr std::uint64_t instruction_abort(bool from_lower_el, std::uint32_t fault_status) {
  return make(from_lower_el ? ExceptionClass::InstructionAbortLowerEl : ExceptionClass::InstructionAbortSameEl,
              fault_status);
}
}  // namespace syndrome

struct Exception {
  ExceptionType type = ExceptionType::Synchronous;
  std::uint64_t syndrome = 0;               // ESR_EL1 (synchronous only; IRQs leave it)
  std::optional<VirtAddr> fault_address;    // FAR_EL1 (aborts only)
  VirtAddr return_address = 0;              // ELR_EL1: the preferred return address
};

// Take `e` to EL1 on `cpu` (stopped, or inside a hook that stops it). The
// next run begins at cpu.pc().
void take_exception(GuestCpu& cpu, const Exception& e);

}  // namespace pristine::sim::aarch64
