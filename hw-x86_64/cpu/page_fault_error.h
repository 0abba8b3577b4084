// The #PF error code (Intel SDM Vol. 3, 4.7) and its translation into core/'s
// access bits (core/interrupt/exception_kind.h).
#pragma once

#include <cstdint>

#include "core/interrupt/exception_kind.h"

namespace pristine::x86 {

// #PF error code bits (Intel SDM Vol. 3, 4.7).
namespace page_fault_error {
inline constexpr std::uint64_t kPresent = 1 << 0;   // 0: the page was not present
inline constexpr std::uint64_t kWrite = 1 << 1;
inline constexpr std::uint64_t kUser = 1 << 2;
inline constexpr std::uint64_t kReservedBit = 1 << 3;
inline constexpr std::uint64_t kFetch = 1 << 4;
}  // namespace page_fault_error

// The translation below is one mask because core/'s access bits sit where the
// CPU puts them.
static_assert(access::kProtection == page_fault_error::kPresent && access::kWrite == page_fault_error::kWrite &&
              access::kUser == page_fault_error::kUser && access::kReservedBit == page_fault_error::kReservedBit &&
              access::kFetch == page_fault_error::kFetch);

constexpr std::uint8_t page_fault_access(std::uint64_t error_code) {
  return static_cast<std::uint8_t>(error_code & (page_fault_error::kPresent | page_fault_error::kWrite |
                                                 page_fault_error::kUser | page_fault_error::kReservedBit |
                                                 page_fault_error::kFetch));
}

}  // namespace pristine::x86
