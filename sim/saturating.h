// Sums of modeled times that cannot wrap: a time past the end of 64 bits is
// "never" (UINT64_MAX), not a time near 0. Scenario fields are bounded
// (docs/scenarios.md), so these saturate only on values a parser refused.
#pragma once

#include <cstdint>

#include "sim/host_types.h"

namespace pristine::sim {

inline Cycles add_saturating(Cycles a, Cycles b) {
  Cycles sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

}  // namespace pristine::sim
