// One scenario interrupt source (a device): yields its arrival times in modeled cycles.
#pragma once

#include <cstdint>

#include "sim/prng.h"
#include "sim/scenario.h"

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
  Prng rng_;
  Cycles last_ = 0;
  bool started_ = false;
  std::uint32_t left_in_burst_ = 0;
  // Bursty: the latest burst start of the underlying Poisson process, before any
  // delay for an unfinished burst, so the long-run burst rate stays 1/burst_period.
  Cycles burst_clock_ = 0;
};

}  // namespace pristine::sim
