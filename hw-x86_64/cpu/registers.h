// x86-64 architectural register facts (Intel SDM Vol. 3, 2.3 and Vol. 4): the
// MSR numbers and RFLAGS bits the kernel programs and the simulator's CPU model
// (sim/x86_64/) reads back. Constants only: included by kernel and host code.
#pragma once

#include <cstdint>

namespace pristine::x86 {

inline constexpr std::uint32_t kMsrEfer = 0xC0000080;
inline constexpr std::uint32_t kMsrStar = 0xC0000081;
inline constexpr std::uint32_t kMsrLstar = 0xC0000082;
inline constexpr std::uint32_t kMsrCstar = 0xC0000083;
inline constexpr std::uint32_t kMsrSfmask = 0xC0000084;
inline constexpr std::uint32_t kMsrFsBase = 0xC0000100;
inline constexpr std::uint32_t kMsrGsBase = 0xC0000101;
inline constexpr std::uint32_t kMsrKernelGsBase = 0xC0000102;

inline constexpr std::uint64_t kEferSyscall = 1u << 0;
inline constexpr std::uint64_t kEferNoExecute = 1u << 11;

inline constexpr std::uint64_t kCr0TaskSwitched = 1u << 3;
inline constexpr std::uint64_t kCr0WriteProtect = 1u << 16;
inline constexpr std::uint64_t kCr0Paging = 1u << 31;

// CF: set on a system call's return when it failed (docs/syscalls.md).
inline constexpr std::uint64_t kRflagsCarry = 1u << 0;
inline constexpr std::uint64_t kRflagsReserved1 = 1u << 1;
inline constexpr std::uint64_t kRflagsIf = 1u << 9;
// DF: string instructions step down through memory when set.
inline constexpr std::uint64_t kRflagsDirection = 1u << 10;

}  // namespace pristine::x86
