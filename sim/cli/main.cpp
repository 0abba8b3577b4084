// `pristine`: the host command line. Subcommands:
//   sim SCENARIO [--seed N] [--json FILE]   run a scenario on the simulator
// Exit codes: 0 pass, 1 a failed budget or invariant, 2 bad input.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/guest_image.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;

// The images sit next to the binary's build tree: build/bin/pristine ->
// build/images/. PRISTINE_IMAGE_DIR overrides.
std::filesystem::path default_image(const char* argv0, const char* name) {
  if (const char* dir = std::getenv("PRISTINE_IMAGE_DIR")) return std::filesystem::path(dir) / name;
  std::error_code ec;
  auto self = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0);
  return self.parent_path().parent_path() / "images" / name;
}

int run_sim(const std::filesystem::path& scenario_file, std::optional<std::uint64_t> seed,
            const std::string& json_file, const std::filesystem::path& image) {
  using namespace pristine::sim;
  Scenario scenario = load_scenario(scenario_file);
  if (seed) scenario.seed = *seed;
  Simulator simulator(scenario, image);
  const Report report = simulator.run();
  std::cout << render_text(report);
  if (!json_file.empty()) {
    std::ofstream out(json_file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write the JSON report", json_file));
    out << to_json(report).dump(2) << '\n';
  }
  return report.pass() ? kExitPass : kExitFail;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pristine: an x86-64 kernel core and the deterministic simulator that measures it"};
  app.require_subcommand(1);

  auto* sim = app.add_subcommand("sim", "Run an interrupt-storm scenario on the simulator");
  std::filesystem::path scenario_file;
  std::optional<std::uint64_t> seed;
  std::string json_file;
  std::filesystem::path image = default_image(argv[0], "sim-kernel.elf");
  sim->add_option("scenario", scenario_file, "Scenario file (TOML, see docs/scenarios.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sim->add_option("--seed", seed, "Seed for the event sources (overrides the scenario's)");
  sim->add_option("--json", json_file, "Also write the report as JSON to FILE");
  sim->add_option("--image", image, "Simulator kernel image")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*sim) return run_sim(scenario_file, seed, json_file, image);
  } catch (const pristine::sim::ScenarioError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const pristine::sim::ImageError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kExitFail;
  }
  return kExitBadInput;
}
