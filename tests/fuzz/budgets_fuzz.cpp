// Fuzz target: the budgets parser (benches/budgets.toml; docs/input-limits.md,
// "Scenario and budget files"). Any bytes are either budgets or a
// ScenarioError naming the file and line; nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/budgets.h"
#include "sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)pristine::sim::parse_budgets(text, "fuzz.toml");
  } catch (const pristine::sim::ScenarioError&) {
  }
  return 0;
}
