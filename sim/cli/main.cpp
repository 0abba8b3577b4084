// `pristine`: the host command line. Subcommands:
//   sim SCENARIO [--seed N] [--json FILE] [--junit FILE] [--trace FILE] [--plan] [--verbose]
//                                            run a scenario on the simulator (--plan: say what it would model;
//                                            --trace: Chrome trace-event JSON for Perfetto, docs/traces.md)
//   boot [--tcg|--icount|--kvm] [--smp N] [--seconds S] [--debug] [-- QEMU ARGS]
//                                            boot kernel.elf in QEMU
//   budget [--arch A] [--image IMG] [--budgets FILE] [--json FILE] [--baseline FILE [--threshold PCT]] [--junit FILE]
//                                            the cycle-budget gate (benches/budgets.toml, budgets-aarch64.toml)
//   compare A.json B.json [--threshold PCT] [--json FILE]
//                                            per path, what changed between two runs (docs/ci-results.md)
//   calibrate [--kvm] [--arch A] [--junit FILE]  simulator against QEMU -icount, path by path
//   calibrate --host [--json FILE] [--repetitions N]
//                                            the cost table's unprivileged rows timed on this CPU
//   swarm [--seeds N] [--first S] [--jobs J] drawn scenarios, one per seed, every invariant checked
//   swarm --seed S [--write FILE]            replay one seed (and write its scenario)
//   sweep SCENARIO --seeds A..B [-j N] [--shard I/N] [--json FILE]
//                                            one scenario over a seed range, a worker process per seed
//   sweep merge A.json B.json ... [--json FILE]
//                                            the shards' results as one sweep (docs/sweeps.md)
//   list [DIR] [--verbose]                   the scenario catalogue
//   --version                                the tool's and its engines' versions
//   report RUN.json --html OUT.html          a run's JSON report as one self-contained page
// Exit codes: 0 pass, 1 the run failed its checks (a budget, an invariant, a
// kernel verdict), 2 bad input: a malformed file or number, an output path that
// cannot be written (refused before the run), or a report that could not be
// written at the end (the verdict is printed; the file is not there), 3 an
// inconclusive boot (a tick-rate shortfall under plain TCG that host
// starvation explains: the host, not the kernel, lost the ticks).
// Numbers are parsed strictly (sim/cli/numbers.h) and every output file is
// written whole or not at all (sim/cli/output_file.h): docs/input-limits.md.
#include <CLI/CLI.hpp>
#include <capstone/capstone.h>
#include <fmt/format.h>
#include <unicorn/unicorn.h>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>

#include "sim/cli/boot_command.h"
#include "sim/cli/budget_command.h"
#include "sim/cli/calibrate_command.h"
#include "sim/cli/compare_command.h"
#include "sim/cli/data_paths.h"
#include "sim/cli/list_command.h"
#include "sim/cli/numbers.h"
#include "sim/cli/output_file.h"
#include "sim/cli/progress_meter.h"
#include "sim/cli/report_command.h"
#include "sim/cli/scenario_args.h"
#include "sim/cli/swarm_command.h"
#include "sim/cli/sweep_command.h"
#include "sim/guest_image.h"
#include "sim/printable.h"
#include "sim/report_junit.h"
#include "sim/scenario.h"
#include "sim/simulation.h"
#include "sim/simulator.h"
#include "sim/trace_recorder.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports it

std::atomic<bool> g_interrupted{false};

// What `pristine --version` says: the tool and the engines it runs on (a
// figure from this machine is only comparable with its Unicorn version).
std::string version_text() {
  const unsigned unicorn = uc_version(nullptr, nullptr);  // major << 24 | minor << 16 | patch << 8
  int cs_major = 0, cs_minor = 0;
  cs_version(&cs_major, &cs_minor);
  return fmt::format("pristine {} (Unicorn {}.{}.{}, Capstone {}.{})", PRISTINE_VERSION, unicorn >> 24,
                     (unicorn >> 16) & 0xFF, (unicorn >> 8) & 0xFF, cs_major, cs_minor);
}

// CLI11 says only "A subcommand is required" for `pristine simm`: name the
// word and the subcommands there are. "" when the first word is fine.
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::string known;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == argv[1]) return "";
    known += (known.empty() ? "" : ", ") + sub->get_name();
  }
  return fmt::format("pristine: unknown subcommand '{}' (subcommands: {}; pristine --help)",
                     pristine::sim::printable(argv[1]), known);
}

// The JSON and JUnit reports and the trace: checked before anything runs,
// an earlier run's removed when the run starts, the new ones put in place
// whole at the end (the trace is streamed into a temporary file beside its
// path while the run goes: its memory does not grow with the run).
int run_sim(const std::filesystem::path& scenario_file, std::optional<std::uint64_t> seed,
            const std::optional<std::string>& json_file, const std::optional<std::string>& junit_file,
            const std::optional<std::string>& trace_file, const std::optional<std::filesystem::path>& image_given,
            const std::filesystem::path& images, bool plan_only, bool verbose) {
  using namespace pristine::sim;
  using namespace pristine::cli;
  const std::vector<std::pair<const char*, const std::optional<std::string>*>> outputs = {
      {"--json", &json_file}, {"--junit", &junit_file}, {"--trace", &trace_file}};
  for (const auto& [flag, file] : outputs) {
    if (!*file) continue;
    if (const std::string why = output_path_problem(**file); !why.empty()) {
      std::cerr << fmt::format("pristine sim: {} '{}': {}\n", flag, **file, why);
      return kExitBadInput;
    }
  }
  // From here on Ctrl-C asks for the partial report (the run checks the flag
  // between turns).
  struct sigaction on_interrupt{};
  on_interrupt.sa_handler = [](int) { g_interrupted.store(true); };
  sigaction(SIGINT, &on_interrupt, nullptr);
  Scenario scenario = load_scenario(scenario_file);
  if (seed) scenario.seed = *seed;
  // `--json -`: the JSON alone on standard output, the text on standard error.
  std::ostream& text = json_file == std::string(kStandardOutput) ? std::cerr : std::cout;
  // What the run will model, before it runs (docs/scenarios.md, "Run plan").
  text << describe_plan(scenario) << std::endl;
  if (plan_only) return kExitPass;
  // The simulator image of the scenario's CPU, unless --image names one.
  const std::filesystem::path image = image_given.value_or(
      images / (scenario.arch == GuestArchitecture::Aarch64 ? "aarch64-sim-kernel.elf" : "sim-kernel.elf"));
  const std::unique_ptr<Simulation> simulator = make_simulation(scenario, image);
  for (const auto& [flag, file] : outputs) {
    if (!*file) continue;
    if (const std::string why = remove_stale_output(**file); !why.empty()) {
      std::cerr << fmt::format("pristine sim: {} '{}': {}\n", flag, **file, why);
      return kExitBadInput;
    }
  }
  // A person watching a long run sees it go (standard error), and Ctrl-C
  // ends it with the report of what ran (exit 130, as a shell reports SIGINT).
  ProgressMeter progress(fmt::format("pristine sim {}", scenario.name), 100, "% of the modeled time", false, true);
  simulator->report_progress([&progress](Cycles done, Cycles total) {
    progress.update(total == 0 ? 100 : done * 100 / total, 0);
  });
  simulator->stop_when(&g_interrupted);
  std::optional<StagedOutput> trace_output;
  std::ofstream trace_stream;
  std::optional<TraceRecorder> recorder;
  if (trace_file) {
    try {
      trace_output.emplace(*trace_file);
    } catch (const std::runtime_error& e) {
      std::cerr << fmt::format("pristine sim: --trace '{}': {}\n", *trace_file, e.what());
      return kExitBadInput;
    }
    trace_stream.open(trace_output->temporary(), std::ios::binary | std::ios::trunc);
    recorder.emplace(trace_stream, scenario);
    simulator->trace_to(*recorder);
  }
  const Report report = simulator->run();
  signal(SIGINT, SIG_DFL);
  progress.finish(100, 0);
  text << render_text(report, {.verbose = verbose});
  int status = report.pass() ? kExitPass : kExitFail;
  if (report.end == Simulation::kInterrupted) {
    text << fmt::format("interrupted (Ctrl-C): a partial report of the first {:.3f} ms modeled\n",
                        static_cast<double>(report.cycles) * 1e3 / static_cast<double>(scenario.cpu_hz));
    status = kExitInterrupted;
  }
  text.flush();
  if (trace_file) {
    recorder->finish();
    trace_stream.close();
    const std::string why = trace_stream.fail() ? fmt::format("cannot write {}", trace_output->temporary())
                                                : trace_output->commit();
    if (!why.empty()) {
      std::cerr << fmt::format("pristine sim: --trace '{}': the trace was NOT written: {}\n", *trace_file, why);
      status = kExitBadInput;
    }
  }
  if (json_file) {
    if (const std::string why = write_output(*json_file, json_text(to_json(report))); !why.empty()) {
      std::cerr << fmt::format("pristine sim: --json '{}': the JSON report was NOT written: {}\n", *json_file, why);
      status = kExitBadInput;
    }
  }
  if (junit_file) {
    if (const std::string why = write_output(*junit_file, render_junit("pristine sim", {junit_suite(report)}));
        !why.empty()) {
      std::cerr << fmt::format("pristine sim: --junit '{}': the JUnit report was NOT written: {}\n", *junit_file, why);
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pristine: an x86-64 kernel core and the deterministic simulator that measures it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());
  const pristine::cli::DataPaths data = pristine::cli::find_data_paths(argv[0]);
  auto default_image = [&data](const char*, const char* name) { return data.images / name; };

  auto* sim = app.add_subcommand("sim", "Run an interrupt-storm scenario on the simulator");
  std::filesystem::path scenario_file;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> json_file;
  const std::filesystem::path sim_default_image = default_image(argv[0], "sim-kernel.elf");
  sim->add_option("scenario", scenario_file, "Scenario file (TOML, see docs/scenarios.md)")
      ->required()
      ->check(CLI::ExistingFile);
  pristine::cli::add_whole_number_option(*sim, "--seed", 0, std::numeric_limits<std::uint64_t>::max(),
                                         [&seed](std::uint64_t value) { seed = value; },
                                         "Seed for the event sources (overrides the scenario's)");
  sim->add_option_function<std::string>(
      "--json", [&json_file](const std::string& file) { json_file = file; },
      "Also write the report as JSON to FILE (whole or not at all; docs/report-schema.md; '-': standard output, "
      "the text then goes to standard error)");
  std::optional<std::string> junit_file;
  sim->add_option_function<std::string>(
      "--junit", [&junit_file](const std::string& file) { junit_file = file; },
      "Also write JUnit XML to FILE: a case per path (within budget) and per invariant (docs/ci-results.md)");
  std::optional<std::string> trace_file;
  sim->add_option_function<std::string>(
      "--trace", [&trace_file](const std::string& file) { trace_file = file; },
      "Also write the run as Chrome trace-event JSON to FILE, for Perfetto or chrome://tracing (docs/traces.md)");
  std::optional<std::filesystem::path> sim_image;
  sim->add_option("--image", sim_image,
                  fmt::format("Simulator kernel image (default: {}, or aarch64-sim-kernel.elf beside it for a "
                              "scenario whose arch is aarch64)",
                              sim_default_image.string()));
  bool plan_only = false;
  sim->add_flag("--plan", plan_only, "Print the run plan (modeled length, expected events) and exit without running");
  bool verbose = false;
  sim->add_flag("--verbose", verbose, "List every injected fault (a long list is otherwise summarised by kind)");

  auto* boot = app.add_subcommand("boot", "Boot the PC image (or, with --arch aarch64, the AArch64 image) in QEMU and "
                                           "exit with the kernel's verdict");
  pristine::cli::BootOptions boot_options;
  boot_options.image = default_image(argv[0], "kernel.elf");
  std::string boot_arch = "x86_64";
  boot->add_option("--arch", boot_arch,
                   "x86_64 (the PC, the default) or aarch64 (QEMU's virt board with GICv3: docs/aarch64.md); "
                   "a --scenario's `arch` key chooses it too")
      ->check(CLI::IsMember({"x86_64", "aarch64"}));
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
  auto* debug_flag =
      boot->add_flag("--debug", boot_options.debug, "Start QEMU halted with a GDB stub (docs/debugging.md)");
  pristine::cli::add_whole_number_option(
      *boot, "--gdb-port", 1, 65535,
      [&boot_options](std::uint64_t value) { boot_options.gdb_port = static_cast<unsigned>(value); },
      "With --debug: the GDB stub's TCP port (default 1234)")
      ->needs(debug_flag);
  boot->add_option("--image", boot_options.image, "PC kernel image")->capture_default_str();
  std::filesystem::path boot_scenario;
  boot->add_option("--scenario", boot_scenario,
                   "Run a scenario on the PC: its tasks, tick rate, CPUs and duration (unless --smp / --seconds "
                   "say otherwise), its uart0 and nic0 input and device line 8; what the PC cannot do is listed")
      ->check(CLI::ExistingFile);
  boot->add_option("qemu_args", boot_options.extra_qemu_args, "Extra QEMU arguments, after --");
  boot->allow_extras(false);

  auto* budget = app.add_subcommand("budget", "Run the hot-path benchmarks and fail when a path reaches its cycle budget");
  std::error_code no_source;
  pristine::cli::BudgetOptions budget_options{
      .benchmarks = data.hot_path_bench,
      .image = default_image(argv[0], "sim-kernel.elf"),
      .budgets = data.budgets,
      .scenarios = data.bench_scenarios,
      .benchmark_json = data.root / "hot-path-benchmarks.json",
      // The repository the budgets file is in (for the commit range), if it is in one.
      .source_dir = std::filesystem::canonical(data.budgets, no_source).parent_path().parent_path(),
  };
  std::string budget_arch = "x86_64";
  budget->add_option("--arch", budget_arch,
                     "x86_64 (sim-kernel.elf against benches/budgets.toml, the default) or aarch64 "
                     "(aarch64-sim-kernel.elf against benches/budgets-aarch64.toml; image and budgets follow unless "
                     "given)")
      ->check(CLI::IsMember({"x86_64", "aarch64"}))
      ->capture_default_str();
  auto* budget_image =
      budget->add_option("--image", budget_options.image, "Simulator kernel image to measure")->capture_default_str();
  auto* budget_budgets = budget->add_option("--budgets", budget_options.budgets, "Budgets file")->capture_default_str();
  budget->add_option("--benchmarks", budget_options.benchmarks, "The hot_path_bench binary")->capture_default_str();
  budget->add_option_function<std::string>(
      "--json", [&budget_options](const std::string& file) { budget_options.json = file; },
      "Write the gate's result as JSON to FILE: per path its figures, budget, headroom, goal, verdict (docs/ci-results.md)");
  auto* budget_benchmark_json =
      budget->add_option("--benchmark-json", budget_options.benchmark_json, "Where to keep the raw Google Benchmark JSON")
          ->capture_default_str();
  auto* budget_baseline = budget->add_option_function<std::string>(
      "--baseline", [&budget_options](const std::string& file) { budget_options.baseline = file; },
      "Also fail a path whose figures rose by more than --threshold against FILE (an earlier `budget --json` result)");
  pristine::cli::add_decimal_number_option(
      *budget, "--threshold", 0, 10000, [&budget_options](double value) { budget_options.threshold_percent = value; },
      "With --baseline: the rise, in percent, that fails a path (default 5)")
      ->needs(budget_baseline);
  budget->add_option_function<std::string>(
      "--junit", [&budget_options](const std::string& file) { budget_options.junit = file; },
      "Also write JUnit XML to FILE: a case per hot path");

  auto* calibrate = app.add_subcommand("calibrate",
                                       "Compare the simulator's instruction counts with QEMU -icount on the same paths "
                                       "(--host: the cost table against this CPU)");
  pristine::cli::CalibrateOptions calibrate_options{
      .pc_image = default_image(argv[0], "kernel.elf"),
      .sim_image = default_image(argv[0], "sim-kernel.elf"),
      .scenarios = data.bench_scenarios,
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
  calibrate
      ->add_option_function<std::string>(
          "--junit", [&calibrate_options](const std::string& file) { calibrate_options.junit = file; },
          "Also write JUnit XML to FILE: a case per compared path")
      ->excludes(host_flag);
  auto* calibrate_image =
      calibrate->add_option("--image", calibrate_options.pc_image, "QEMU's kernel image")->capture_default_str();
  auto* calibrate_sim_image = calibrate->add_option("--sim-image", calibrate_options.sim_image, "Simulator kernel image")
                                  ->capture_default_str();
  std::string calibrate_arch = "x86_64";
  calibrate
      ->add_option("--arch", calibrate_arch,
                   "x86_64 (the PC against sim-kernel.elf, the default) or aarch64 (QEMU's virt board against "
                   "aarch64-sim-kernel.elf; the images follow unless given)")
      ->check(CLI::IsMember({"x86_64", "aarch64"}))
      ->excludes(host_flag)
      ->excludes(calibrate_kvm);

  auto* compare = app.add_subcommand(
      "compare", "Per path, how the figures changed between two runs (two sim reports or two budget results)");
  pristine::cli::CompareOptions compare_options;
  compare->add_option("before", compare_options.before, "The earlier run's JSON (`sim --json` or `budget --json`)")
      ->required();
  compare->add_option("after", compare_options.after, "The later run's JSON, of the same kind")->required();
  pristine::cli::add_decimal_number_option(
      *compare, "--threshold", 0, 10000, [&compare_options](double value) { compare_options.threshold_percent = value; },
      "A figure up by more than this many percent is flagged (default 5)");
  compare->add_option_function<std::string>(
      "--json", [&compare_options](const std::string& file) { compare_options.json = file; },
      "Also write the comparison as JSON to FILE");

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

  auto* sweep = app.add_subcommand("sweep", "Run a scenario once per seed of a range, each seed in its own process "
                                            "(docs/sweeps.md)");
  pristine::cli::SweepOptions sweep_options;
  sweep_options.image = default_image(argv[0], "sim-kernel.elf");
  bool sweep_seeds = false;
  sweep->add_option("scenario", sweep_options.scenario, "Scenario file (TOML, see docs/scenarios.md)")
      ->check(CLI::ExistingFile);
  sweep->add_option_function<std::string>(
      "--seeds",
      [&](const std::string& v) {
        std::string why;
        const auto range = pristine::cli::parse_seed_range(v, why);
        if (!range) throw CLI::ValidationError("--seeds", why);
        sweep_options.range = *range;
        sweep_seeds = true;
      },
      "The seeds, FIRST..LAST (both included)");
  pristine::cli::add_whole_number_option(
      *sweep, "-j,--jobs", 1, 256, [&](std::uint64_t v) { sweep_options.jobs = static_cast<unsigned>(v); },
      "Worker processes at once (default: one per core)");
  sweep->add_option_function<std::string>(
      "--shard",
      [&](const std::string& v) {
        std::string why;
        const auto shard = pristine::cli::parse_shard(v, why);
        if (!shard) throw CLI::ValidationError("--shard", why);
        sweep_options.shard = *shard;
      },
      "Run only shard INDEX/COUNT (0-based): the seeds s with (s - FIRST) mod COUNT = INDEX");
  sweep->add_option_function<std::string>("--json", [&](const std::string& v) { sweep_options.json = v; },
                                          "Also write the sweep result as JSON to FILE (whole or not at all)");
  sweep->add_option_function<std::string>("--junit", [&](const std::string& v) { sweep_options.junit = v; },
                                          "Also write JUnit XML to FILE: a case per seed (docs/ci-results.md)");
  auto* sweep_image = sweep->add_option("--image", sweep_options.image, "Simulator kernel image")->capture_default_str();
  auto* sweep_merge = sweep->add_subcommand("merge", "Combine the JSON results of every shard of a sweep");
  pristine::cli::SweepMergeOptions merge_options;
  sweep_merge->add_option("files", merge_options.files, "One sweep result (--json) per shard")
      ->required()
      ->check(CLI::ExistingFile);
  sweep_merge->add_option_function<std::string>("--json", [&](const std::string& v) { merge_options.json = v; },
                                                "Also write the merged result as JSON to FILE (whole or not at all)");
  sweep_merge->add_option_function<std::string>("--junit", [&](const std::string& v) { merge_options.junit = v; },
                                                "Also write JUnit XML to FILE: a case per seed");
  sweep->require_subcommand(0, 1);

  auto* list = app.add_subcommand("list", "The scenario catalogue: each scenario with the first sentence of its comment");
  pristine::cli::ListOptions list_options{.directory = data.scenarios};
  list->add_option("directory", list_options.directory, "Directory of scenario files")->capture_default_str();
  list->add_flag("--verbose", list_options.verbose, "The whole opening comment of each file");

  if (const std::string why = unknown_subcommand(app, argc, argv); !why.empty()) {
    std::cerr << why << '\n';
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*sim) return run_sim(scenario_file, seed, json_file, junit_file, trace_file, sim_image, data.images, plan_only, verbose);
    if (*compare) return pristine::cli::run_compare(compare_options);
    if (*budget) {
      if (budget_arch == "aarch64") {
        budget_options.arch = pristine::sim::GuestArchitecture::Aarch64;
        if (budget_image->count() == 0) budget_options.image = default_image(argv[0], "aarch64-sim-kernel.elf");
        if (budget_budgets->count() == 0) budget_options.budgets = data.budgets_aarch64;
        if (budget_benchmark_json->count() == 0) {
          budget_options.benchmark_json = data.root / "hot-path-benchmarks-aarch64.json";
        }
      }
      return pristine::cli::run_budget(budget_options);
    }
    if (*list) return pristine::cli::run_list(list_options, std::cout);
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
    if (*sweep_merge) return pristine::cli::run_sweep_merge(merge_options);
    if (*sweep) {
      // Not required by the parser: `sweep merge` takes neither.
      if (sweep_options.scenario.empty() || !sweep_seeds) {
        std::cerr << "pristine sweep: a scenario file and --seeds FIRST..LAST are needed (--help)\n";
        return kExitBadInput;
      }
      sweep_options.image_given = sweep_image->count() != 0;
      return pristine::cli::run_sweep(sweep_options);
    }
    if (*calibrate && calibrate_host) return pristine::cli::run_calibrate_host(host_options);
    if (*calibrate) {
      if (calibrate_arch == "aarch64") {
        calibrate_options.arch = pristine::sim::GuestArchitecture::Aarch64;
        if (calibrate_image->count() == 0) calibrate_options.pc_image = default_image(argv[0], "aarch64-kernel.elf");
        if (calibrate_sim_image->count() == 0) {
          calibrate_options.sim_image = default_image(argv[0], "aarch64-sim-kernel.elf");
        }
      }
      return pristine::cli::run_calibrate(calibrate_options);
    }
    if (*boot) {
      using Mode = pristine::cli::BootOptions::Mode;
      boot_options.mode = icount ? Mode::Icount : kvm ? Mode::Kvm : Mode::Tcg;
      std::optional<pristine::sim::Scenario> scenario;
      if (!boot_scenario.empty()) {
        scenario = pristine::sim::load_scenario(boot_scenario);
        // A scenario that names its architecture boots that one's image; an
        // --arch that says otherwise is refused at the key.
        if (scenario->arch_line != 0) {
          const std::string_view named = pristine::sim::architecture_name(scenario->arch);
          if (boot->count("--arch") != 0 && boot_arch != named) {
            throw pristine::sim::ScenarioError(boot_scenario.string(), scenario->arch_line, "scenario.arch",
                                               fmt::format("{}, but --arch {} was given", named, boot_arch));
          }
          boot_arch = std::string(named);
        }
      }
      if (boot_arch == "aarch64") {
        boot_options.arch = pristine::cli::BootOptions::Arch::Aarch64;
        if (boot->count("--image") == 0) boot_options.image = default_image(argv[0], "aarch64-kernel.elf");
      }
      if (scenario) {
        if (boot->count("--smp") == 0) boot_options.smp = scenario->cpus;
        if (boot->count("--seconds") == 0) {
          boot_options.seconds = static_cast<double>(scenario->duration) / static_cast<double>(scenario->cpu_hz);
        }
        for (const std::string& what : pristine::cli::ignored_on_the_pc(*scenario)) {
          std::cerr << fmt::format("pristine boot: {}: ignored on the {}: {}\n",
                                   pristine::sim::printable(boot_scenario.string()),
                                   boot_arch == "aarch64" ? "AArch64 virt board" : "PC", what);
        }
        boot_options.kernel_args = pristine::cli::kernel_args_for(*scenario);
        boot_options.serial_input = pristine::cli::serial_input_for(*scenario);
        boot_options.nic_packets = pristine::cli::nic_packets_for(*scenario);
      }
      if (const auto refused = pristine::cli::not_yet_on_aarch64(boot_options);
          !refused.empty()) {
        for (const std::string& why : refused) std::cerr << "pristine boot --arch aarch64: not yet: " << why << '\n';
        return kExitBadInput;
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
