#include "sim/event_source.h"

#include "sim/saturating.h"

namespace pristine::sim {

EventSource::EventSource(const SourceSpec& spec, std::uint64_t seed, std::uint32_t index)
    : spec_(spec), rng_(Prng::for_stream(seed, index)) {}

Cycles EventSource::next_arrival() {
  // Every sum saturates: an arrival past 2^64 is never, not near 0.
  Cycles next = 0;
  switch (spec_.kind) {
    case SourceKind::Periodic:
      next = started_ ? add_saturating(last_, spec_.period) : spec_.start;
      break;
    case SourceKind::Poisson:
      next = add_saturating(started_ ? last_ : spec_.start, rng_.exponential(static_cast<double>(spec_.period)));
      break;
    case SourceKind::Bursty:
      if (left_in_burst_ > 0) {
        --left_in_burst_;
        next = add_saturating(last_, spec_.spacing);
      } else {
        burst_clock_ = add_saturating(started_ ? burst_clock_ : spec_.start,
                                      rng_.exponential(static_cast<double>(spec_.burst_period)));
        next = burst_clock_;
        // A burst drawn to start before the previous one ended waits for it.
        if (started_ && next < add_saturating(last_, spec_.spacing)) next = add_saturating(last_, spec_.spacing);
        left_in_burst_ = spec_.burst > 0 ? spec_.burst - 1 : 0;
      }
      break;
  }
  // Strictly increasing, whatever the draws (until 2^64 - 1: never).
  if (started_ && next <= last_) next = add_saturating(last_, 1);
  started_ = true;
  last_ = next;
  return next;
}

}  // namespace pristine::sim
