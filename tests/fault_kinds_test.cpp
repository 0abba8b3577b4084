// Fault kinds (sim/fault_kind_list.def): every kind round-trips between
// name and enum, parses with the key it takes, is what the parser's error
// lists, and has its row in docs/scenarios.md's [[fault]] kind table.
#include "sim/fault_kinds.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace pristine::sim {
namespace {

constexpr const char* kHead = "[scenario]\nname = \"x\"\nduration_ms = 1\n[[task]]\nname = \"t\"\nprogram = \"counter\"\n";

std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "faults.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "accepted";
}

// The key and value a kind requires, as a TOML line.
std::string required_key(FaultParameter takes) {
  switch (takes) {
    case FaultParameter::None: return "";
    case FaultParameter::Vector: return "vector = 0x41\n";
    case FaultParameter::Task: return "task = \"t\"\n";
    case FaultParameter::Late: return "late_us = 5\n";
  }
  return "";
}

TEST(FaultKinds, EveryKindRoundTripsBetweenNameAndEnum) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    const FaultKindInfo& k = kFaultKinds[i];
    EXPECT_EQ(static_cast<std::size_t>(k.kind), i) << k.name;
    EXPECT_STREQ(fault_kind_name(k.kind), k.name);
    ASSERT_NE(fault_kind_named(k.name), nullptr) << k.name;
    EXPECT_EQ(fault_kind_named(k.name)->kind, k.kind) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << "two kinds named " << k.name;
    EXPECT_NE(std::string(k.description), "") << k.name;
  }
  EXPECT_EQ(fault_kind_named("cosmic-ray"), nullptr);
}

TEST(FaultKinds, EveryKindParsesFromItsNameWithTheKeyItTakes) {
  for (const FaultKindInfo& k : kFaultKinds) {
    const std::string text =
        fmt::format("{}[[fault]]\nkind = \"{}\"\nrate_hz = 1000\n{}", kHead, k.name, required_key(k.takes));
    const Scenario s = parse_scenario(text, "faults.toml");
    ASSERT_EQ(s.faults.size(), 1u) << k.name;
    EXPECT_EQ(s.faults[0].kind, k.kind) << k.name;
    if (k.takes != FaultParameter::None) {
      const std::string without = fmt::format("{}[[fault]]\nkind = \"{}\"\nrate_hz = 1000\n", kHead, k.name);
      EXPECT_NE(scenario_error(without).find("missing"), std::string::npos) << k.name << ": " << scenario_error(without);
    }
  }
}

TEST(FaultKinds, AnUnknownKindIsRefusedWithExactlyTheListsNames) {
  const std::string error = scenario_error(std::string(kHead) + "[[fault]]\nkind = \"cosmic-ray\"\nrate_hz = 10\n");
  const std::string lead = "faults.toml:8: fault[0].kind: unknown fault 'cosmic-ray': must be one of ";
  ASSERT_EQ(error.substr(0, lead.size()), lead) << error;
  std::vector<std::string> listed;
  std::stringstream list(error.substr(lead.size()));
  for (std::string name; std::getline(list >> std::ws, name, ',');) listed.push_back(name);
  std::vector<std::string> expected;
  for (const FaultKindInfo& k : kFaultKinds) expected.emplace_back(k.name);
  EXPECT_EQ(listed, expected);
}

// The rows of the table under "| kind | what happens | ..." name exactly the
// kinds of the list, in its order.
TEST(FaultKinds, EveryKindIsDocumentedInTheScenarioFaultTable) {
  std::ifstream in(PRISTINE_SOURCE_DIR "/docs/scenarios.md");
  ASSERT_TRUE(in);
  std::vector<std::string> documented;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| kind | what happens |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) break;
    documented.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  std::vector<std::string> expected;
  for (const FaultKindInfo& k : kFaultKinds) expected.emplace_back(k.name);
  EXPECT_EQ(documented, expected) << "docs/scenarios.md, [[fault]]: one row per line of sim/fault_kind_list.def";
}

}  // namespace
}  // namespace pristine::sim
