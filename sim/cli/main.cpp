// `pristine`: the host command line. Subcommands:
//   sim SCENARIO [--seed N] [--json FILE] [--plan]
//                                            run a scenario on the simulator (--plan: say what it would model)
//   boot [--tcg|--icount|--kvm] [--smp N] [--seconds S] [--debug] [-- QEMU ARGS]
//                                            boot kernel.elf in QEMU
//   budget [--image IMG] [--budgets FILE]    the cycle-budget gate (benches/budgets.toml)
//   calibrate [--kvm]                        simulator against QEMU -icount, path by path
//   calibrate --host [--json FILE] [--repetitions N]
//                                            the cost table's unprivileged rows timed on this CPU
//   swarm [--seeds N] [--first S] [--jobs J] drawn scenarios, one per seed, every invariant checked
//   swarm --seed S [--write FILE]            replay one seed (and write its scenario)
//   report RUN.json --html OUT.html          a run's JSON report as one self-contained page
// Exit codes: 0 pass, 1 the run failed its checks (a budget, an invariant, a
// kernel verdict), 2 bad input: a malformed file or number, an output path that
// cannot be written (refused before the run), or a report that could not be
// written at the end (the verdict is printed; the file is not there).
// Numbers are parsed strictly (sim/cli/numbers.h) and every output file is
// written whole or not at all (sim/cli/output_file.h): docs/input-limits.md.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>

#include "sim/cli/boot_command.h"
#include "sim/cli/budget_command.h"
#include "sim/cli/calibrate_command.h"
#include "sim/cli/numbers.h"
#include "sim/cli/output_file.h"
#include "sim/cli/report_command.h"
#include "sim/cli/scenario_args.h"
#include "sim/cli/swarm_command.h"
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

// The JSON report: checked before anything runs, an earlier run's report
// removed when the run starts, the new one written whole at the end.
int run_sim(const std::filesystem::path& scenario_file, std::optional<std::uint64_t> seed,
            const std::optional<std::string>& json_file, const std::filesystem::path& image, bool plan_only) {
  using namespace pristine::sim;
  using namespace pristine::cli;
  if (json_file) {
    if (const std::string why = output_path_problem(*json_file); !why.empty()) {
      std::cerr << fmt::format("pristine sim: --json '{}': {}\n", *json_file, why);
      return kExitBadInput;
    }
  }
  Scenario scenario = load_scenario(scenario_file);
  if (seed) scenario.seed = *seed;
  // What the run will model, before it runs (docs/scenarios.md, "Run plan").
  std::cout << describe_plan(scenario) << std::endl;
  if (plan_only) return kExitPass;
  Simulator simulator(scenario, image);
  if (json_file) {
    if (const std::string why = remove_stale_output(*json_file); !why.empty()) {
      std::cerr << fmt::format("pristine sim: --json '{}': {}\n", *json_file, why);
      return kExitBadInput;
    }
  }
  const Report report = simulator.run();
  std::cout << render_text(report);
  if (json_file) {
    if (const std::string why = write_output(*json_file, json_text(to_json(report))); !why.empty()) {
      std::cerr << fmt::format("pristine sim: --json '{}': the JSON report was NOT written: {}\n", *json_file, why);
      return kExitBadInput;
    }
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
  std::optional<std::string> json_file;
  std::filesystem::path image = default_image(argv[0], "sim-kernel.elf");
  sim->add_option("scenario", scenario_file, "Scenario file (TOML, see docs/scenarios.md)")
      ->required()
      ->check(CLI::ExistingFile);
  pristine::cli::add_whole_number_option(*sim, "--seed", 0, std::numeric_limits<std::uint64_t>::max(),
                                         [&seed](std::uint64_t value) { seed = value; },
                                         "Seed for the event sources (overrides the scenario's)");
  sim->add_option_function<std::string>(
      "--json", [&json_file](const std::string& file) { json_file = file; },
      "Also write the report as JSON to FILE (whole or not at all)");
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
  pristine::cli::add_whole_number_option(
      *boot, "--smp", 1, 8, [&boot_options](std::uint64_t value) { boot_options.smp = static_cast<unsigned>(value); },
      "Number of CPUs");
  pristine::cli::add_decimal_number_option(
      *boot, "--seconds", 0.001, 600.0, [&boot_options](double value) { boot_options.seconds = value; },
      "Run time before the shutdown report (fractions allowed, e.g. 0.25)");
  boot->add_flag("--debug", boot_options.debug, "Start QEMU halted with a GDB stub on :1234 (docs/debugging.md)");
  boot->add_option("--image", boot_options.image, "PC kernel image")->capture_default_str();
  std::filesystem::path boot_scenario;
  boot->add_option("--scenario", boot_scenario,
                   "Run a scenario's tasks and tick rate on the PC, and its uart0 input on the serial port (its other "
                   "interrupt sources are simulator-only)")
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
  calibrate
      ->add_option_function<std::string>(
          "--json", [&host_options](const std::string& file) { host_options.json = file; },
          "With --host: also write the table as JSON to FILE (whole or not at all)")
      ->needs(host_flag);
  pristine::cli::add_whole_number_option(
      *calibrate, "--repetitions", 2, 1000,
      [&host_options](std::uint64_t value) { host_options.repetitions = static_cast<int>(value); },
      "With --host: repetitions per instruction (at least 2: the figure is a minimum over them)")
      ->needs(host_flag)
      ->default_str(std::to_string(host_options.repetitions));
  calibrate->add_option("--image", calibrate_options.pc_image, "PC kernel image")->capture_default_str();
  calibrate->add_option("--sim-image", calibrate_options.sim_image, "Simulator kernel image")->capture_default_str();

  auto* swarm = app.add_subcommand("swarm", "Run drawn scenarios, one per seed, and list the seeds that fail (docs/swarm.md)");
  pristine::cli::SwarmOptions swarm_options;
  swarm_options.image = default_image(argv[0], "sim-kernel.elf");
  // Seeds and their count stay within 2^63, so first + seeds never wraps.
  constexpr std::uint64_t kMaxSeed = std::uint64_t{1} << 62;
  auto* swarm_seeds = pristine::cli::add_whole_number_option(
      *swarm, "--seeds", 1, 1'000'000, [&](std::uint64_t v) { swarm_options.seeds = v; }, "How many seeds (default 100)");
  auto* swarm_first = pristine::cli::add_whole_number_option(
      *swarm, "--first", 0, kMaxSeed, [&](std::uint64_t v) { swarm_options.first = v; }, "The first seed (default 1)");
  auto* swarm_jobs = pristine::cli::add_whole_number_option(
      *swarm, "--jobs", 1, 256, [&](std::uint64_t v) { swarm_options.jobs = static_cast<unsigned>(v); },
      "Worker processes (default: one per core)");
  auto* swarm_seed = pristine::cli::add_whole_number_option(
      *swarm, "--seed", 0, std::numeric_limits<std::uint64_t>::max(),
      [&](std::uint64_t v) { swarm_options.replay = v; }, "Replay one seed with its full report");
  std::string swarm_write;
  swarm->add_option("--write", swarm_write, "With --seed: write the drawn scenario to FILE")->needs(swarm_seed);
  swarm_seed->excludes(swarm_seeds)->excludes(swarm_first)->excludes(swarm_jobs);
  swarm->add_option("--image", swarm_options.image, "Simulator kernel image")->capture_default_str();

  auto* report = app.add_subcommand("report", "Draw a run's JSON report (pristine sim --json) as a page (docs/reports.md)");
  pristine::cli::ReportOptions report_options;
  report->add_option("run", report_options.run, "The JSON report")->required();
  report->add_option("--html", report_options.html, "Write the page to FILE (whole or not at all)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*sim) return run_sim(scenario_file, seed, json_file, image, plan_only);
    if (*budget) return pristine::cli::run_budget(budget_options);
    if (*report) {
      if (const std::string problem = pristine::cli::output_path_problem(report_options.html); !problem.empty()) {
        std::cerr << fmt::format("error: --html {}: {}\n", report_options.html, problem);
        return kExitBadInput;
      }
      return pristine::cli::run_report(report_options);
    }
    if (*swarm) {
      if (!swarm_write.empty() || swarm->count("--write") != 0) {
        if (const std::string problem = pristine::cli::output_path_problem(swarm_write); !problem.empty()) {
          std::cerr << fmt::format("error: --write {}: {}\n", swarm_write, problem);
          return kExitBadInput;
        }
        swarm_options.write = swarm_write;
      }
      return pristine::cli::run_swarm(swarm_options);
    }
    if (*calibrate && calibrate_host) return pristine::cli::run_calibrate_host(host_options);
    if (*calibrate) return pristine::cli::run_calibrate(calibrate_options);
    if (*boot) {
      using Mode = pristine::cli::BootOptions::Mode;
      boot_options.mode = icount ? Mode::Icount : kvm ? Mode::Kvm : Mode::Tcg;
      if (!boot_scenario.empty()) {
        const pristine::sim::Scenario scenario = pristine::sim::load_scenario(boot_scenario);
        boot_options.kernel_args = pristine::cli::kernel_args_for(scenario);
        boot_options.serial_input = pristine::cli::serial_input_for(scenario);
        boot_options.nic_packets = pristine::cli::nic_packets_for(scenario);
      }
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
