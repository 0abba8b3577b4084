// `pristine`: the host command line. Subcommands:
//   sim SCENARIO [--seed N] [--json FILE] [--plan]
//                                            run a scenario on the simulator (--plan: say what it would model)
//   boot [--tcg|--icount|--kvm] [--smp N] [--seconds S] [--debug] [-- QEMU ARGS]
//                                            boot kernel.elf in QEMU
//   budget [--image IMG] [--budgets FILE]    the cycle-budget gate (benches/budgets.toml)
//   calibrate [--kvm]                        simulator against QEMU -icount, path by path
//   calibrate --host [--json FILE] [--repetitions N]
//                                            the cost table's unprivileged rows timed on this CPU
// Exit codes: 0 pass, 1 a failed budget or invariant, 2 bad input.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/boot_command.h"
#include "sim/cli/budget_command.h"
#include "sim/cli/calibrate_command.h"
#include "sim/cli/scenario_args.h"
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
            const std::string& json_file, const std::filesystem::path& image, bool plan_only) {
  using namespace pristine::sim;
  Scenario scenario = load_scenario(scenario_file);
  if (seed) scenario.seed = *seed;
  // What the run will model, before it runs (docs/scenarios.md, "Run plan").
  std::cout << describe_plan(scenario) << std::endl;
  if (plan_only) return kExitPass;
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
  bool plan_only = false;
  sim->add_flag("--plan", plan_only, "Print the run plan (modeled length, expected events) and exit without running");

  auto* boot = app.add_subcommand("boot", "Boot the PC image in QEMU and exit with the kernel's verdict");
  pristine::cli::BootOptions boot_options;
  boot_options.image = default_image(argv[0], "kernel.elf");
  bool tcg = false, icount = false, kvm = false;
  auto* tcg_flag = boot->add_flag("--tcg", tcg, "QEMU TCG (the default)");
  auto* icount_flag = boot->add_flag("--icount", icount,
                                     "Deterministic TCG (-icount shift=0,sleep=off): rdtsc counts instructions");
  auto* kvm_flag = boot->add_flag("--kvm", kvm, "Hardware virtualization (refused where KVM is not VT-x/AMD-V)");
  tcg_flag->excludes(icount_flag)->excludes(kvm_flag);
  icount_flag->excludes(kvm_flag);
  boot->add_option("--smp", boot_options.smp, "Number of CPUs")->check(CLI::Range(1, 8));
  boot->add_option("--seconds", boot_options.seconds, "Run time before the shutdown report (fractions allowed, e.g. 0.25)")
      ->check(CLI::Range(0.001, 600.0));
  boot->add_flag("--debug", boot_options.debug, "Start QEMU halted with a GDB stub on :1234 (docs/debugging.md)");
  boot->add_option("--image", boot_options.image, "PC kernel image")->capture_default_str();
  std::filesystem::path boot_scenario;
  boot->add_option("--scenario", boot_scenario,
                   "Run a scenario's tasks and tick rate on the PC (its interrupt sources are simulator-only)")
      ->check(CLI::ExistingFile);
  boot->add_option("qemu_args", boot_options.extra_qemu_args, "Extra QEMU arguments, after --");
  boot->allow_extras(false);

  auto* budget = app.add_subcommand("budget", "Run the hot-path benchmarks and fail when a path reaches its cycle budget");
  const std::filesystem::path build_dir = default_image(argv[0], "").parent_path().parent_path();
  pristine::cli::BudgetOptions budget_options{
      .benchmarks = build_dir / "benches" / "hot_path_bench",
      .image = default_image(argv[0], "sim-kernel.elf"),
      .budgets = std::filesystem::path(PRISTINE_SOURCE_DIR) / "benches" / "budgets.toml",
      .json = build_dir / "hot-path-benchmarks.json",
      .source_dir = PRISTINE_SOURCE_DIR,
  };
  budget->add_option("--image", budget_options.image, "Simulator kernel image to measure")->capture_default_str();
  budget->add_option("--budgets", budget_options.budgets, "Budgets file")->capture_default_str();
  budget->add_option("--benchmarks", budget_options.benchmarks, "The hot_path_bench binary")->capture_default_str();
  budget->add_option("--json", budget_options.json, "Where to write the Google Benchmark JSON")->capture_default_str();

  auto* calibrate = app.add_subcommand("calibrate",
                                       "Compare the simulator's instruction counts with QEMU -icount on the same paths "
                                       "(--host: the cost table against this CPU)");
  pristine::cli::CalibrateOptions calibrate_options{
      .pc_image = default_image(argv[0], "kernel.elf"),
      .sim_image = default_image(argv[0], "sim-kernel.elf"),
      .scenarios = std::filesystem::path(PRISTINE_SOURCE_DIR) / "benches" / "scenarios",
  };
  auto* calibrate_kvm = calibrate->add_flag(
      "--kvm", calibrate_options.kvm, "Real cycles under hardware virtualization (refused where KVM is not VT-x/AMD-V)");
  bool calibrate_host = false;
  pristine::cli::HostCalibrateOptions host_options;
  auto* host_flag = calibrate->add_flag(
      "--host", calibrate_host,
      "Time the cost table's unprivileged instructions on this host CPU (ring 3) beside the table's figures");
  host_flag->excludes(calibrate_kvm);
  calibrate->add_option("--json", host_options.json, "With --host: also write the table as JSON to FILE")
      ->needs(host_flag);
  calibrate->add_option("--repetitions", host_options.repetitions, "With --host: repetitions per instruction")
      ->check(CLI::Range(1, 1000))
      ->needs(host_flag)
      ->capture_default_str();
  calibrate->add_option("--image", calibrate_options.pc_image, "PC kernel image")->capture_default_str();
  calibrate->add_option("--sim-image", calibrate_options.sim_image, "Simulator kernel image")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*sim) return run_sim(scenario_file, seed, json_file, image, plan_only);
    if (*budget) return pristine::cli::run_budget(budget_options);
    if (*calibrate && calibrate_host) return pristine::cli::run_calibrate_host(host_options);
    if (*calibrate) return pristine::cli::run_calibrate(calibrate_options);
    if (*boot) {
      using Mode = pristine::cli::BootOptions::Mode;
      boot_options.mode = icount ? Mode::Icount : kvm ? Mode::Kvm : Mode::Tcg;
      if (!boot_scenario.empty()) boot_options.kernel_args = pristine::cli::kernel_args_for(pristine::sim::load_scenario(boot_scenario));
      return pristine::cli::run_boot(boot_options);
    }
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
