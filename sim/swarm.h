// Swarm testing: a whole scenario drawn from one seed (CPU count, clock, tick
// rate, task mix, interrupt sources, injected faults), within documented
// ranges a correct kernel handles (docs/swarm.md). `pristine swarm` runs many
// seeds and judges each run by every invariant and the budget; a failure is
// replayed from its seed alone, since the drawn scenario is a function of it.
#pragma once

#include <cstdint>
#include <string>

namespace pristine::sim {

// The scenario of `seed` as TOML text (docs/scenarios.md), the same on every
// machine: parse it with parse_scenario, or write it out to replay it with
// `pristine sim`.
std::string draw_swarm_scenario(std::uint64_t seed);

}  // namespace pristine::sim
