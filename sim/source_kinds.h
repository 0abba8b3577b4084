// Interrupt source kinds ([[source]] kind = "periodic" | "poisson" | "bursty").
// Everything a kind is lives in its entry of kSourceKinds (source_kinds.cpp):
// its scenario name, the keys it takes, how it reads and checks them, how it
// draws arrivals and how many arrivals a run should expect. The scenario
// parser, plan_of and EventSource only walk the table, so a new kind is an
// enum value and a SourceSpec field here plus one entry there
// (docs/adding-kinds.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/host_types.h"
#include "sim/prng.h"

namespace pristine::sim {

enum class SourceKind : std::uint8_t { Periodic, Poisson, Bursty };

// An interrupt source external to the kernel (a device), raising `vector` on `cpu`.
// All times are in modeled cycles (the parser converts _us/_ns/_hz forms).
struct SourceSpec {
  std::string name;
  SourceKind kind = SourceKind::Periodic;
  Vector vector = 0;
  // The driver whose device the source drives (its index in
  // core/drivers/driver_list.def): each arrival is data at that device, which
  // raises the driver's line. None: a bare line, raised directly.
  std::optional<std::uint32_t> driver;
  CpuId cpu = 0;
  Cycles start = 0;            // first possible arrival
  Cycles period = 0;           // Periodic: spacing; Poisson: mean inter-arrival
  std::uint32_t burst = 0;     // Bursty: interrupts per burst
  Cycles burst_period = 0;     // Bursty: mean spacing of burst starts (Poisson)
  Cycles spacing = 0;          // Bursty: spacing inside a burst
};

// How a kind reads its own keys from one [[source]] table. The scenario
// parser implements it; every failure names file, line and key like any
// other scenario error (ScenarioError).
class SourceParameters {
 public:
  // A time quantity as written: its value in cycles and the key it came from.
  struct Time {
    Cycles cycles = 0;
    std::string key;
  };

  // An integer `key` between min and max; required.
  virtual std::uint64_t integer(const char* key, std::int64_t min, std::int64_t max) const = 0;
  // A required time at least 1 cycle: exactly one of `stem` + a suffix
  // ("_us", "_ns", "_cycles"), or `rate_key` in Hz (converted to a period)
  // when given.
  virtual Time time(std::string_view stem, std::span<const char* const> suffixes,
                    const char* rate_key = nullptr) const = 0;
  // Like time(), for the spacing of interrupts: refused below the livelock bound.
  virtual Cycles interval(std::string_view stem, std::span<const char* const> suffixes,
                          const char* rate_key) const = 0;
  // Refuse the source, pointing at `key` (one of its keys).
  [[noreturn]] virtual void fail(const std::string& key, const std::string& message) const = 0;

 protected:
  ~SourceParameters() = default;
};

// What an arrival process keeps between two arrivals. EventSource owns it
// and keeps `last` and `started` (and arrivals strictly increasing).
struct ArrivalState {
  Cycles last = 0;       // the previous arrival
  bool started = false;  // whether there was one
  // Bursty: arrivals left in the current burst, and the latest burst start of
  // the underlying Poisson process, before any delay for an unfinished burst,
  // so the long-run burst rate stays 1/burst_period.
  std::uint32_t left_in_burst = 0;
  Cycles burst_clock = 0;
};

struct SourceKindInfo {
  SourceKind kind;
  const char* name;                       // as written in a scenario
  std::span<const char* const> keys;      // its keys, beside the common ones
  // Its keys with valid values, as TOML lines: the tests parse every kind
  // from it and hold expected_arrivals to a long run of next_arrival.
  const char* example;
  // Read and check the kind's keys into `spec` (name, vector, cpu and start
  // are already read).
  void (*parse)(const SourceParameters& in, SourceSpec& spec);
  // The next arrival after state.last (the first when !state.started, at or
  // after spec.start); sums saturate (sim/saturating.h).
  Cycles (*next_arrival)(const SourceSpec& spec, ArrivalState& state, Prng& rng);
  // Expected arrivals in `span` cycles from the start: exact for a fixed
  // grid, the mean for a random process (docs/scenarios.md, "Run plan").
  std::uint64_t (*expected_arrivals)(const SourceSpec& spec, Cycles span);
};

// Every kind, in SourceKind order.
std::span<const SourceKindInfo> source_kinds();
const SourceKindInfo& source_kind_info(SourceKind kind);
// The kind written as `name`, or nullptr.
const SourceKindInfo* source_kind_named(std::string_view name);
// "periodic, poisson, bursty": the names for error messages.
std::string source_kind_names();

// Keys every [[source]] takes, whatever its kind.
inline constexpr const char* kCommonSourceKeys[] = {"name",     "kind",     "vector",      "driver", "cpu",
                                                    "start_us", "start_ns", "start_cycles"};

}  // namespace pristine::sim
