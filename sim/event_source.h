// One scenario interrupt source (a device): yields its arrival times in modeled cycles.
#pragma once

#include <cstdint>

#include "sim/prng.h"
#include "sim/source_kinds.h"

namespace pristine::sim {

class EventSource {
 public:
  // `index` is the source's position in the scenario; it selects the PRNG stream.
  EventSource(const SourceSpec& spec, std::uint64_t seed, std::uint32_t index);

  // The next arrival time, strictly increasing from call to call. The first call
  // returns the first arrival (at or after spec.start).
  Cycles next_arrival();

  const SourceSpec& spec() const { return spec_; }

 private:
  SourceSpec spec_;
  const SourceKindInfo* kind_;  // its arrival process
  Prng rng_;
  ArrivalState state_;
};

}  // namespace pristine::sim
