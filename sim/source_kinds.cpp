#include "sim/source_kinds.h"

#include <fmt/format.h>

#include <array>

#include "sim/saturating.h"

namespace pristine::sim {
namespace {

constexpr const char* kTimeUnits[] = {"_us", "_ns", "_cycles"};

// Periodic: at start, start + period, start + 2 period, ...
namespace periodic {

constexpr const char* kKeys[] = {"period_us", "period_ns", "period_cycles", "rate_hz"};

void parse(const SourceParameters& in, SourceSpec& spec) { spec.period = in.interval("period", kTimeUnits, "rate_hz"); }

Cycles next_arrival(const SourceSpec& spec, ArrivalState& state, Prng&) {
  return state.started ? add_saturating(state.last, spec.period) : spec.start;
}

std::uint64_t expected_arrivals(const SourceSpec& spec, Cycles span) { return (span - 1) / spec.period + 1; }

}  // namespace periodic

// Poisson: exponential gaps with mean `period`; the first at start + a gap.
namespace poisson {

constexpr const char* kKeys[] = {"mean_us", "mean_ns", "mean_cycles", "rate_hz"};

void parse(const SourceParameters& in, SourceSpec& spec) { spec.period = in.interval("mean", kTimeUnits, "rate_hz"); }

Cycles next_arrival(const SourceSpec& spec, ArrivalState& state, Prng& rng) {
  return add_saturating(state.started ? state.last : spec.start, rng.exponential(static_cast<double>(spec.period)));
}

std::uint64_t expected_arrivals(const SourceSpec& spec, Cycles span) { return span / spec.period; }

}  // namespace poisson

// Bursty: bursts of `burst` arrivals `spacing` apart, burst starts a Poisson
// process with mean `burst_period`.
namespace bursty {

constexpr const char* kKeys[] = {"burst",         "burst_period_us", "burst_period_ns", "burst_period_cycles",
                                 "burst_rate_hz", "spacing_ns",      "spacing_cycles"};
constexpr const char* kSpacingUnits[] = {"_ns", "_cycles"};

void parse(const SourceParameters& in, SourceSpec& spec) {
  spec.burst = static_cast<std::uint32_t>(in.integer("burst", 1, 4096));
  spec.burst_period = in.interval("burst_period", kTimeUnits, "burst_rate_hz");
  const SourceParameters::Time spacing = in.time("spacing", kSpacingUnits);
  spec.spacing = spacing.cycles;
  // A burst must end before the next one is due on average.
  if (std::uint64_t{spec.burst} * spec.spacing >= spec.burst_period) {
    in.fail(spacing.key, fmt::format("a burst of {} spaced {} cycles lasts {} cycles: burst * spacing must be less "
                                     "than the {} cycles between bursts",
                                     spec.burst, spec.spacing, std::uint64_t{spec.burst} * spec.spacing,
                                     spec.burst_period));
  }
}

Cycles next_arrival(const SourceSpec& spec, ArrivalState& state, Prng& rng) {
  if (state.left_in_burst > 0) {
    --state.left_in_burst;
    return add_saturating(state.last, spec.spacing);
  }
  state.burst_clock = add_saturating(state.started ? state.burst_clock : spec.start,
                                     rng.exponential(static_cast<double>(spec.burst_period)));
  Cycles next = state.burst_clock;
  // A burst drawn to start before the previous one ended waits for it.
  if (state.started && next < add_saturating(state.last, spec.spacing)) next = add_saturating(state.last, spec.spacing);
  state.left_in_burst = spec.burst > 0 ? spec.burst - 1 : 0;
  return next;
}

std::uint64_t expected_arrivals(const SourceSpec& spec, Cycles span) { return span / spec.burst_period * spec.burst; }

}  // namespace bursty

// One entry per kind, in SourceKind order: all the rest walks this table.
constexpr std::array kSourceKinds = {
    SourceKindInfo{.kind = SourceKind::Periodic,
                   .name = "periodic",
                   .keys = periodic::kKeys,
                   .example = "period_us = 5\n",
                   .parse = periodic::parse,
                   .next_arrival = periodic::next_arrival,
                   .expected_arrivals = periodic::expected_arrivals},
    SourceKindInfo{.kind = SourceKind::Poisson,
                   .name = "poisson",
                   .keys = poisson::kKeys,
                   .example = "mean_us = 5\n",
                   .parse = poisson::parse,
                   .next_arrival = poisson::next_arrival,
                   .expected_arrivals = poisson::expected_arrivals},
    SourceKindInfo{.kind = SourceKind::Bursty,
                   .name = "bursty",
                   .keys = bursty::kKeys,
                   .example = "burst = 4\nburst_period_us = 20\nspacing_ns = 100\n",
                   .parse = bursty::parse,
                   .next_arrival = bursty::next_arrival,
                   .expected_arrivals = bursty::expected_arrivals},
};

// source_kind_info indexes the table by the enum.
constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kSourceKinds.size(); ++i) {
    if (static_cast<std::size_t>(kSourceKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kSourceKinds must list the kinds in SourceKind order");

}  // namespace

std::span<const SourceKindInfo> source_kinds() { return kSourceKinds; }

const SourceKindInfo& source_kind_info(SourceKind kind) { return kSourceKinds.at(static_cast<std::size_t>(kind)); }

const SourceKindInfo* source_kind_named(std::string_view name) {
  for (const SourceKindInfo& k : kSourceKinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::string source_kind_names() {
  std::string names;
  for (const SourceKindInfo& k : kSourceKinds) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

}  // namespace pristine::sim
