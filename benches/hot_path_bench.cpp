// The budget gate's measurements: every hot path run in the simulator over a
// fixed scenario (benches/scenarios/), reported as Google Benchmark counters
// in modeled cycles and instructions. The counters are deterministic (the same
// on every machine); the benchmark's wall time only says how long the
// simulation took. `pristine budget` runs this binary and judges the counters
// against benches/budgets.toml.
//
//   hot_path_bench [--arch=x86_64|aarch64] [--image=IMAGE] [--scenarios=DIR] [Google Benchmark flags]
// (`pristine budget` passes all three: an installed copy finds them beside
// it, sim/cli/data_paths.h; the defaults are this build's.) With
// --arch=aarch64 every scenario runs with its `arch` set to aarch64, on
// aarch64-sim-kernel.elf unless --image says otherwise.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "benches/hot_paths.h"
#include "sim/simulation.h"

namespace {

using namespace pristine::sim;

GuestArchitecture g_arch = GuestArchitecture::X86_64;
std::optional<std::filesystem::path> g_image;
std::filesystem::path g_scenarios = PRISTINE_SOURCE_DIR "/benches/scenarios";

const HandlerReport* find_path(const Report& report, const std::string& name) {
  for (const HandlerReport& h : report.handlers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

void measure(benchmark::State& state, const pristine::bench::HotPath& path) {
  Scenario scenario = load_scenario(g_scenarios / path.scenario);
  scenario.arch = g_arch;
  const std::filesystem::path image =
      g_image.value_or(g_arch == GuestArchitecture::Aarch64 ? PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel.elf"
                                                            : PRISTINE_BUILD_DIR "/images/sim-kernel.elf");
  const std::string name = pristine::bench::path_name(path, g_arch);
  Report report;
  for (auto _ : state) report = make_simulation(scenario, image)->run();
  const HandlerReport* h = find_path(report, name);
  if (!h) {
    state.SkipWithError(("path " + name + " not observed in " + path.scenario).c_str());
    return;
  }
  // Exclusive figures: the path's own cost end to end, delivery included.
  state.counters["count"] = static_cast<double>(h->count);
  state.counters["cycles_min"] = static_cast<double>(h->cycles_exclusive.min);
  state.counters["cycles_p50"] = static_cast<double>(h->cycles_exclusive.p50);
  state.counters["cycles_p99"] = static_cast<double>(h->cycles_exclusive.p99);
  state.counters["cycles_max"] = static_cast<double>(h->cycles_exclusive.max);
  state.counters["instructions_min"] = static_cast<double>(h->instructions_exclusive.min);
  state.counters["instructions_p50"] = static_cast<double>(h->instructions_exclusive.p50);
  state.counters["instructions_p99"] = static_cast<double>(h->instructions_exclusive.p99);
  state.counters["instructions_max"] = static_cast<double>(h->instructions_exclusive.max);
  state.counters["kernel_span_instructions_min"] = static_cast<double>(h->kernel_span_instructions.min);
  // Figures are kept whatever happened; the gate judges them and the rules.
  std::uint64_t broken = 0;
  std::string kinds;
  for (const Violation& v : report.violations) {
    if (v.kind == "budget") continue;  // the gate's own judgement, against benches/budgets.toml
    ++broken;
    if (kinds.find(v.kind) == std::string::npos) kinds += (kinds.empty() ? "" : ",") + v.kind;
  }
  state.counters["violations"] = static_cast<double>(broken);
  if (broken != 0) state.SetLabel(path.scenario + std::string(" violations: ") + kinds);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--arch=aarch64") == 0) {
      g_arch = GuestArchitecture::Aarch64;
    } else if (std::strcmp(argv[i], "--arch=x86_64") == 0) {
      g_arch = GuestArchitecture::X86_64;
    } else if (std::strncmp(argv[i], "--arch=", 7) == 0) {
      std::cerr << "hot_path_bench: --arch: '" << (argv[i] + 7) << "' is no architecture (x86_64, aarch64)\n";
      return 2;
    } else if (std::strncmp(argv[i], "--image=", 8) == 0) {
      g_image = argv[i] + 8;
    } else if (std::strncmp(argv[i], "--scenarios=", 12) == 0) {
      g_scenarios = argv[i] + 12;
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  for (const pristine::bench::HotPath& path : pristine::bench::kHotPaths) {
    benchmark::RegisterBenchmark(path.benchmark, measure, path)->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
