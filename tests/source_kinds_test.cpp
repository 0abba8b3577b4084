// Interrupt source kinds (sim/source_kinds.h): every kind in the table
// parses from its name, expects as many arrivals as a long run of its
// arrival process gives, and is what the parser's errors and the docs list.
#include "sim/source_kinds.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <span>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "sim/event_source.h"
#include "sim/scenario.h"

namespace pristine::sim {
namespace {

// A second of modeled time at 2000 MHz: 10^5 arrivals or more per example.
constexpr Cycles kLongRun = 2'000'000'000;

std::string scenario_with_source(const std::string& kind, const std::string& keys, const char* duration = "1000") {
  return fmt::format("[scenario]\nname = \"x\"\nduration_ms = {}\n[[source]]\nname = \"s\"\nkind = \"{}\"\n"
                     "vector = 0x41\nstart_us = 3\n{}",
                     duration, kind, keys);
}

std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "kinds.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "accepted";
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = list.find(", ", from);
    parts.push_back(list.substr(from, comma - from));
    if (comma == std::string::npos) return parts;
    from = comma + 2;
  }
}

std::vector<std::string> table_names() {
  std::vector<std::string> names;
  for (const SourceKindInfo& k : source_kinds()) names.emplace_back(k.name);
  return names;
}

TEST(SourceKinds, EveryEnumValueHasItsEntryAndNamesAreUnique) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < source_kinds().size(); ++i) {
    const SourceKindInfo& k = source_kinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(k.kind), i) << k.name;
    EXPECT_EQ(&source_kind_info(k.kind), &k) << k.name;
    EXPECT_EQ(source_kind_named(k.name), &k) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << "two kinds named " << k.name;
  }
  EXPECT_EQ(source_kind_named("nonsense"), nullptr);
}

TEST(SourceKinds, EveryKindParsesFromItsNameAndExample) {
  for (const SourceKindInfo& k : source_kinds()) {
    const Scenario s = parse_scenario(scenario_with_source(k.name, k.example), "kinds.toml");
    ASSERT_EQ(s.sources.size(), 1u) << k.name;
    EXPECT_EQ(s.sources[0].kind, k.kind) << k.name;
    EXPECT_EQ(s.sources[0].start, 3u * 2000) << k.name;
  }
}

// expected_arrivals (the run plan) against what EventSource draws: exact
// for the periodic grid, within 2 % for a random process over ~10^5 draws.
TEST(SourceKinds, ThePlannedArrivalsMatchALongRunOfTheArrivalProcess) {
  for (const SourceKindInfo& k : source_kinds()) {
    const Scenario s = parse_scenario(scenario_with_source(k.name, k.example), "kinds.toml");
    ASSERT_EQ(s.duration, kLongRun);
    const std::uint64_t planned = plan_of(s).source_interrupts;
    ASSERT_GT(planned, 10'000u) << k.name << ": the example is too slow to measure";
    EventSource source(s.sources[0], 7, 0);
    std::uint64_t arrivals = 0;
    while (source.next_arrival() < s.duration) ++arrivals;
    if (k.kind == SourceKind::Periodic) {
      EXPECT_EQ(arrivals, planned) << k.name;
    } else {
      EXPECT_NEAR(static_cast<double>(arrivals), static_cast<double>(planned), 0.02 * static_cast<double>(planned))
          << k.name;
    }
  }
}

TEST(SourceKinds, AnUnknownKindIsRefusedWithExactlyTheTablesNames) {
  const std::string error = scenario_error(scenario_with_source("nonsense", "period_us = 5\n"));
  const std::string lead = "kinds.toml:6: source[0].kind: unknown kind 'nonsense': must be one of ";
  ASSERT_EQ(error.substr(0, lead.size()), lead) << error;
  EXPECT_EQ(split(error.substr(lead.size())), table_names());
}

TEST(SourceKinds, EveryKindTakesExactlyTheCommonKeysAndItsOwn) {
  for (const SourceKindInfo& k : source_kinds()) {
    const std::string error = scenario_error(scenario_with_source(k.name, std::string(k.example) + "bogus = 1\n"));
    const std::string lead = fmt::format("source[0].bogus: unknown key for a {} source (allowed: ", k.name);
    const std::size_t at = error.find(lead);
    ASSERT_NE(at, std::string::npos) << error;
    std::vector<std::string> allowed(std::begin(kCommonSourceKeys), std::end(kCommonSourceKeys));
    allowed.insert(allowed.end(), k.keys.begin(), k.keys.end());
    const std::string list = error.substr(at + lead.size());
    EXPECT_EQ(split(list.substr(0, list.size() - 1)), allowed) << error;
  }
}

// Records the keys a kind's parse reads, answering with small valid values.
class KeyRecorder final : public SourceParameters {
 public:
  std::uint64_t integer(const char* key, std::int64_t min, std::int64_t) const override {
    keys.insert(key);
    return static_cast<std::uint64_t>(min);
  }
  Time time(std::string_view stem, std::span<const char* const> suffixes, const char* rate_key) const override {
    for (const char* suffix : suffixes) keys.insert(std::string(stem) + suffix);
    if (rate_key) keys.insert(rate_key);
    return {1, std::string(stem) + suffixes[0]};
  }
  Cycles interval(std::string_view stem, std::span<const char* const> suffixes, const char* rate_key) const override {
    time(stem, suffixes, rate_key);
    return 1'000'000;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const override {
    throw std::runtime_error(key + ": " + message);
  }
  mutable std::set<std::string> keys;
};

// A declared key the parse never reads would be accepted and ignored; one it
// reads but does not declare would be refused as unknown.
TEST(SourceKinds, EveryKindDeclaresExactlyTheKeysItsParseReads) {
  for (const SourceKindInfo& k : source_kinds()) {
    KeyRecorder recorder;
    SourceSpec spec;
    k.parse(recorder, spec);
    EXPECT_EQ(recorder.keys, std::set<std::string>(k.keys.begin(), k.keys.end())) << k.name;
  }
}

// docs/scenarios.md has a row "| name | ... |" per kind naming each of its keys.
TEST(SourceKinds, EveryKindAndItsKeysAreDocumented) {
  std::ifstream in(PRISTINE_SOURCE_DIR "/docs/scenarios.md");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string docs = text.str();
  for (const SourceKindInfo& k : source_kinds()) {
    const std::size_t row = docs.find(fmt::format("\n| {} | ", k.name));
    ASSERT_NE(row, std::string::npos) << k.name << " has no row in the per-kind table of docs/scenarios.md";
    const std::string line = docs.substr(row + 1, docs.find('\n', row + 1) - row - 1);
    for (const char* key : k.keys) {
      EXPECT_NE(line.find(fmt::format("`{}`", key)), std::string::npos) << k.name << " row lacks `" << key << "`";
    }
    EXPECT_NE(docs.find(fmt::format("`{}`", k.name)), std::string::npos) << k.name << " is not in the kind key's row";
  }
}

}  // namespace
}  // namespace pristine::sim
