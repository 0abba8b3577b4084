// The JSON report against its schema (docs/report.schema.json): the report
// of every shipped scenario validates (python3-jsonschema, draft 2020-12),
// and the schema is strict enough to refuse an address written as a number
// or a field it does not document.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/cli/output_file.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "tests/run_command.h"

namespace pristine::sim {
namespace {

namespace fs = std::filesystem;

const fs::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const fs::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";
const std::string kValidate =
    "python3 " PRISTINE_SOURCE_DIR "/tests/validate_json.py " PRISTINE_SOURCE_DIR "/docs/report.schema.json";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(PRISTINE_BUILD_DIR) / "tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& file, const nlohmann::ordered_json& j) { std::ofstream(file) << cli::json_text(j); }

TEST(ReportSchema, TheReportOfEveryShippedScenarioValidates) {
  const fs::path dir = fresh_dir("report-schema");
  std::string files;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".toml") continue;
    const Report report = Simulator(load_scenario(entry.path()), kImage).run();
    const fs::path file = dir / entry.path().filename().replace_extension(".json");
    write(file, to_json(report));
    files += ' ';  // two appends: GCC 12 warns (-Wrestrict, wrongly) on " " + a string
    files += file.string();
    ++count;
  }
  ASSERT_GT(count, 5);
  const auto r = pristine::testing::run_command(kValidate + files);
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(ReportSchema, ANumericAddressAndAnUndocumentedFieldAreRefused) {
  const fs::path dir = fresh_dir("report-schema-refused");
  const Report report = Simulator(load_scenario(kScenarios / "faults.toml"), kImage).run();
  nlohmann::ordered_json j = to_json(report);
  ASSERT_FALSE(j["faults"].empty());
  EXPECT_EQ(j["schema_version"], 1);
  write(dir / "valid.json", j);
  EXPECT_EQ(pristine::testing::run_command(kValidate + " " + (dir / "valid.json").string()).status, 0);

  nlohmann::ordered_json numeric = j;
  numeric["faults"][0]["rip"] = 0x1000;
  write(dir / "numeric-rip.json", numeric);
  const auto r = pristine::testing::run_command(kValidate + " " + (dir / "numeric-rip.json").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("faults/0/rip"), std::string::npos) << r.output;

  nlohmann::ordered_json renamed = j;
  renamed["faults"][0]["cycles"] = 5;
  write(dir / "undocumented.json", renamed);
  const auto u = pristine::testing::run_command(kValidate + " " + (dir / "undocumented.json").string());
  EXPECT_EQ(u.status, 1) << u.output;
  EXPECT_NE(u.output.find("'cycles' was unexpected"), std::string::npos) << u.output;
}

}  // namespace
}  // namespace pristine::sim
