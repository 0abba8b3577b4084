// The checksum drivers fold their data into, in order (64-bit FNV-1a): a
// lost, duplicated, reordered or changed byte changes it. uart0 and nic0 use
// it; the simulator's device models and `pristine boot` compute the same
// over what the device delivered or the host sent (docs/drivers.md).
#pragma once

#include <cstdint>

namespace pristine::drivers {

inline constexpr std::uint64_t kChecksumSeed = 0xcbf29ce484222325;  // FNV-1a offset basis
inline constexpr std::uint64_t kChecksumPrime = 0x100000001b3;
constexpr std::uint64_t checksum_step(std::uint64_t sum, std::uint8_t byte) { return (sum ^ byte) * kChecksumPrime; }

}  // namespace pristine::drivers
