// The shipped scenarios' reports, pinned: a digest of each JSON report is
// kept in tests/pins/reports.txt. Any change of the simulator, the Unicorn
// version or the kernel image that moves one figure fails here, so such a
// change is made on purpose and its figures are listed in the commit.
//
// After a deliberate change: PRISTINE_UPDATE_PINS=1 build/tests/report_pins_test
// rewrites the file (commit it with the reason).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";
const std::filesystem::path kPins = PRISTINE_SOURCE_DIR "/tests/pins/reports.txt";

// FNV-1a, 64 bits: stable everywhere, no dependency.
std::string digest(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3;
  }
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

std::map<std::string, std::string> read_pins() {
  std::map<std::string, std::string> pins;
  std::ifstream in(kPins);
  std::string name, hash;
  while (in >> name >> hash) pins[name] = hash;
  return pins;
}

TEST(ReportPins, EveryShippedScenarioGivesItsPinnedReport) {
  std::map<std::string, std::string> measured;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".toml") continue;
    const Report report = Simulator(load_scenario(entry.path()), kImage).run();
    measured[entry.path().filename().string()] = digest(to_json(report).dump());
  }
  if (std::getenv("PRISTINE_UPDATE_PINS")) {
    std::ofstream out(kPins);
    for (const auto& [name, hash] : measured) out << name << ' ' << hash << '\n';
    GTEST_SKIP() << "rewrote " << kPins;
  }
  const auto pins = read_pins();
  for (const auto& [name, hash] : measured) {
    const auto pin = pins.find(name);
    ASSERT_NE(pin, pins.end()) << name << " has no pin in " << kPins;
    EXPECT_EQ(hash, pin->second) << name << ": its report changed (see the comment at the top of this file)";
  }
  EXPECT_EQ(pins.size(), measured.size()) << kPins << " pins a scenario that is no longer shipped";
}

}  // namespace
}  // namespace pristine::sim
