// The EL1 system registers the simulator reads and writes, by their
// encodings (op0, op1, CRn, CRm, op2: Arm ARM D17 "AArch64 System Register
// Descriptions"), through Unicorn's UC_ARM64_REG_CP_REG, and the PSTATE
// bits exception entry and return use (D1.4 "Process state, PSTATE";
// Unicorn reads and writes PSTATE in SPSR's layout).
#pragma once

#include <cstdint>

namespace pristine::sim::aarch64 {

struct SystemRegister {
  std::uint8_t op0, op1, crn, crm, op2;
};

inline constexpr SystemRegister kSctlrEl1{3, 0, 1, 0, 0};
inline constexpr SystemRegister kCpacrEl1{3, 0, 1, 0, 2};
inline constexpr SystemRegister kTtbr0El1{3, 0, 2, 0, 0};
inline constexpr SystemRegister kTtbr1El1{3, 0, 2, 0, 1};
inline constexpr SystemRegister kTcrEl1{3, 0, 2, 0, 2};
inline constexpr SystemRegister kSpsrEl1{3, 0, 4, 0, 0};
inline constexpr SystemRegister kElrEl1{3, 0, 4, 0, 1};
inline constexpr SystemRegister kEsrEl1{3, 0, 5, 2, 0};
inline constexpr SystemRegister kFarEl1{3, 0, 6, 0, 0};
inline constexpr SystemRegister kMairEl1{3, 0, 10, 2, 0};
inline constexpr SystemRegister kVbarEl1{3, 0, 12, 0, 0};
inline constexpr SystemRegister kTpidrEl1{3, 0, 13, 0, 4};

namespace sctlr {
inline constexpr std::uint64_t kMmu = 1ull << 0;                // M
inline constexpr std::uint64_t kWriteExecuteNever = 1ull << 19;  // WXN
inline constexpr std::uint64_t kSetPanOnEntryOff = 1ull << 23;   // SPAN: 0 sets PSTATE.PAN on entry to EL1
}  // namespace sctlr

namespace pstate {
inline constexpr std::uint32_t kModeMask = 0x1f;  // M[4:0]: M[3:2] the EL, M[0] SP_ELx
inline constexpr std::uint32_t kEl0t = 0x0;
inline constexpr std::uint32_t kEl1t = 0x4;
inline constexpr std::uint32_t kEl1h = 0x5;
inline constexpr std::uint32_t kStackSelect = 1u << 0;
inline constexpr std::uint32_t kFiqMask = 1u << 6;
inline constexpr std::uint32_t kIrqMask = 1u << 7;
inline constexpr std::uint32_t kSErrorMask = 1u << 8;
inline constexpr std::uint32_t kDebugMask = 1u << 9;
inline constexpr std::uint32_t kDaif = kDebugMask | kSErrorMask | kIrqMask | kFiqMask;
inline constexpr std::uint32_t kIllegalState = 1u << 20;
inline constexpr std::uint32_t kSoftwareStep = 1u << 21;
inline constexpr std::uint32_t kPan = 1u << 22;
constexpr unsigned exception_level(std::uint32_t value) { return (value >> 2) & 3; }
}  // namespace pstate

}  // namespace pristine::sim::aarch64
