// ESR_EL1 decoding (Arm Architecture Reference Manual, D17.2.37 "ESR_EL1"):
// the exception class in bits 31:26, the instruction-specific syndrome in
// bits 24:0 (for an SVC, its 16-bit immediate).
#pragma once

#include <cstdint>

namespace pristine::aarch64 {

enum class ExceptionClass : std::uint8_t {
  Unknown = 0x00,
  FpAccess = 0x07,
  IllegalState = 0x0e,
  Svc64 = 0x15,
  SystemRegister = 0x18,  // MSR, MRS or a system instruction trapped (e.g. msr daifset at EL0, SCTLR_EL1.UMA = 0)
  InstructionAbortLowerEl = 0x20,
  InstructionAbortSameEl = 0x21,
  PcAlignment = 0x22,
  DataAbortLowerEl = 0x24,
  DataAbortSameEl = 0x25,
  SpAlignment = 0x26,
  Brk64 = 0x3c,
};

constexpr ExceptionClass exception_class(std::uint64_t esr) {
  return static_cast<ExceptionClass>((esr >> 26) & 0x3f);
}
constexpr std::uint16_t svc_immediate(std::uint64_t esr) { return static_cast<std::uint16_t>(esr & 0xffff); }

}  // namespace pristine::aarch64
