#include "sim/event_source.h"

#include "sim/saturating.h"

namespace pristine::sim {

EventSource::EventSource(const SourceSpec& spec, std::uint64_t seed, std::uint32_t index)
    : spec_(spec), kind_(&source_kind_info(spec.kind)), rng_(Prng::for_stream(seed, index)) {}

Cycles EventSource::next_arrival() {
  // The kind's arrival process (sim/source_kinds.cpp); every sum saturates:
  // an arrival past 2^64 is never, not near 0.
  Cycles next = kind_->next_arrival(spec_, state_, rng_);
  // Strictly increasing, whatever the draws (until 2^64 - 1: never).
  if (state_.started && next <= state_.last) next = add_saturating(state_.last, 1);
  state_.started = true;
  state_.last = next;
  return next;
}

}  // namespace pristine::sim
