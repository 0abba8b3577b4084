// Fuzz target: the scenario parser (docs/input-limits.md, "Scenario and budget
// files"). Any bytes are either a scenario or a ScenarioError naming the file
// and line; nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const pristine::sim::Scenario s = pristine::sim::parse_scenario(text, "fuzz.toml");
    // A parsed scenario must be one the simulator can plan (every bound held).
    (void)pristine::sim::describe_plan(s);
  } catch (const pristine::sim::ScenarioError&) {
  }
  return 0;
}
