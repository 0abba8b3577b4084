#include "sim/cli/calibrate_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>
#include <iostream>

#include "sim/cli/boot_command.h"
#include "sim/cli/output_file.h"
#include "sim/cli/scenario_args.h"
#include "sim/host_calibration.h"
#include "sim/host_calibration_report.h"
#include "sim/junit_report.h"
#include "sim/shutdown_report.h"
#include "sim/simulation.h"

namespace pristine::cli {
namespace {

enum class Statistic { Mean, Min };

// The calibrated paths, the statistic compared, and the difference the board
// code makes (QEMU minus simulator, instructions), with why. One CPU runs
// the same mix of path shapes on both machines, so means compare; with two
// CPUs, QEMU -icount runs the vCPUs round-robin and a path that spans a
// vCPU switch counts the other vCPU's instructions too, so only the minimum
// (the undisturbed shortest shape) compares.
struct CalibratedPath {
  const char* benchmark;
  const char* path;
  const char* scenario;
  Statistic statistic;
  double board_difference;
  const char* reason;
  bool judged = true;  // false: printed for reference, the two runs cannot be compared (the reason says why)
};

constexpr const char* kUni = "calibrate-uniprocessor.toml";
constexpr const char* kMulti = "calibrate-multiprocessor.toml";
constexpr const char* kShootdown = "calibrate-shootdown.toml";

constexpr CalibratedPath kCalibrated[] = {
    {"timer_tick", "timer", kUni, Statistic::Mean, 24,
     "re-arm: the PC converts a TSC deadline for the LAPIC (rdtsc, 128-bit multiply, clamp) where the board "
     "takes one store; now() is 4 instructions against 2; QEMU counts the closing rdtsc"},
    {"timer_tick_switch", "timer+switch", kUni, Statistic::Mean, 24,
     "the timer's difference (the switch is the same code on both boards, CR3 load included)"},
    {"null_syscall", "syscall/getpid", kUni, Statistic::Min, 3,
     "now() is rdtsc+shl+or+ret against a load+ret; QEMU counts the closing rdtsc"},
    {"syscall_clock", "syscall/clock", kUni, Statistic::Min, 3,
     "now() is rdtsc+shl+or+ret against a load+ret; QEMU counts the closing rdtsc (the conversion is the same code)"},
    {"page_fault_map", "page-fault", kUni, Statistic::Min, 3,
     "now() is rdtsc+shl+or+ret against a load+ret (the mapping, rep stosq and invlpg are the same code)"},
    {"user_fault_kill", "invalid-opcode+switch", kUni, Statistic::Min, 3, "now() differences"},
    {"ipi_reschedule_switch", "ipi-reschedule+switch", kMulti, Statistic::Min, 5,
     "the LAPIC EOI and now() differences"},
    {"ipi_tlb_shootdown", "ipi-tlb-shootdown", kShootdown, Statistic::Min, 7,
     "the LAPIC EOI and the wake-up IPI (ICR high and low halves) against one board store each"},
    {"unmap_shootdown_switch", "syscall/unmap+switch", kShootdown, Statistic::Min, 5,
     "now() differences and the wake-up IPI (the unmap through the PTE and invlpg is the same code)"},
    {"ipi_reschedule", "ipi-reschedule", kMulti, Statistic::Min, 0,
     "not compared: its shortest shape differs (on the PC an IPI that finds the inbox already drained; in the "
     "simulator one that queues a task without switching)",
     false},
    {"spurious_interrupt", "spurious", kUni, Statistic::Min, 0,
     "not observed on the PC: QEMU's LAPIC raises no spurious interrupts, the simulator injects them", false},
};

// AArch64: QEMU's virt board against the simulated board, both AArch64
// (aarch64-kernel.elf, aarch64-sim-kernel.elf), on one CPU: QEMU runs
// AArch64 vCPUs in turns under -icount, so several CPUs do not compare
// (docs/aarch64.md, "SMP under -icount"). The differences are the boards':
// the virt board's now() reads the PMU cycle counter where the simulated
// board loads its clock register, its timer converts a deadline for the
// generic timer, and its GIC is reached by system registers.
constexpr CalibratedPath kCalibratedAarch64[] = {
    {"timer_tick", "timer", kUni, Statistic::Mean, 35,
     "the virt board converts each deadline for the generic timer (two counter reads, a 128-bit multiply), maps "
     "the GIC's INTID to a vector and keeps it for the EOI, where the simulated board takes one store or load "
     "each; now() is 3 instructions (isb, mrs pmccntr_el0, ret) against 5 (three moves build the clock "
     "register's address, a load, ret)"},
    {"timer_tick_switch", "timer+switch", kUni, Statistic::Mean, 35,
     "the timer's difference (the switch is the same code on both boards, the TTBR0 and ASID work included)"},
    {"null_syscall", "syscall/getpid", kUni, Statistic::Min, -2, "now() is 2 instructions shorter on the virt board"},
    {"syscall_clock", "syscall/clock", kUni, Statistic::Min, -2,
     "now() is 2 instructions shorter on the virt board (the conversion is the same code)"},
    {"page_fault_map", "data-abort", kUni, Statistic::Min, -2,
     "now() is 2 instructions shorter on the virt board (the mapping, dc zva and tlbi are the same code)"},
    {"user_fault_kill", "undefined-instruction+switch", kUni, Statistic::Min, 0, "measured: no difference"},
    {"spurious_interrupt", "spurious", kUni, Statistic::Min, 0,
     "not observed on QEMU: its GIC raises no spurious interrupts, the simulator injects them", false},
};

struct PathFigures {
  std::optional<sim::MergedPath> pc;
  const sim::HandlerReport* simulator = nullptr;
};

double statistic_of(const sim::MergedPath& s, Statistic which) {
  return which == Statistic::Mean ? s.mean : static_cast<double>(s.min);
}

double statistic_of(const sim::HandlerReport& h, Statistic which, bool cycles) {
  if (cycles) return which == Statistic::Mean ? h.kernel_span_cycles.mean : static_cast<double>(h.kernel_span_cycles.min);
  return which == Statistic::Mean ? h.kernel_span_instructions.mean : static_cast<double>(h.kernel_span_instructions.min);
}

}  // namespace

bool within_tolerance(double qemu, double simulator, double expected_difference) {
  return std::abs((qemu - simulator) - expected_difference) <= 3.0 + 0.02 * qemu;
}

int run_calibrate(const CalibrateOptions& o) {
  if (o.kvm) {
    if (const std::string why = kvm_unusable_reason(); !why.empty()) {
      std::cerr << "pristine calibrate --kvm: refused: " << why
                << ".\nA real-cycle calibration needs hardware virtualization or bare metal (docs/cost-model.md, "
                   "\"Real cycles\").\n";
      return 2;
    }
  }
  if (o.junit) {
    std::string why = output_path_problem(*o.junit);
    if (why.empty()) why = remove_stale_output(*o.junit);
    if (!why.empty()) {
      std::cerr << fmt::format("pristine calibrate: --junit '{}': {}\n", *o.junit, why);
      return 2;
    }
  }
  // Each scenario once on each machine.
  struct Run {
    sim::Scenario scenario;
    sim::Report report;
    std::vector<std::pair<std::string, sim::MergedPath>> pc;
  };
  const bool aarch64 = o.arch == sim::GuestArchitecture::Aarch64;
  const std::span<const CalibratedPath> calibrated = aarch64 ? std::span<const CalibratedPath>(kCalibratedAarch64)
                                                             : std::span<const CalibratedPath>(kCalibrated);
  std::vector<const char*> scenarios;
  for (const CalibratedPath& c : calibrated) {
    if (std::find(scenarios.begin(), scenarios.end(), std::string_view(c.scenario)) == scenarios.end()) {
      scenarios.push_back(c.scenario);
    }
  }
  std::vector<std::pair<std::string, Run>> runs;
  for (const char* file : scenarios) {
    Run run{sim::load_scenario(o.scenarios / file), {}, {}};
    run.scenario.arch = o.arch;
    run.report = sim::make_simulation(run.scenario, o.sim_image)->run();
    // Every invariant must hold; budgets are the budget gate's (pristine budget).
    const bool held = std::all_of(run.report.violations.begin(), run.report.violations.end(),
                                  [](const sim::Violation& v) { return v.kind == "budget"; });
    if (!held) {
      std::cerr << fmt::format("pristine calibrate: FAIL: {} breaks an invariant on the simulator\n", file);
      return 1;
    }
    BootOptions boot;
    boot.mode = o.kvm ? BootOptions::Mode::Kvm : BootOptions::Mode::Icount;
    boot.smp = run.scenario.cpus;
    boot.seconds = static_cast<double>(run.scenario.duration) / static_cast<double>(run.scenario.cpu_hz);
    boot.image = o.pc_image;
    if (aarch64) boot.arch = BootOptions::Arch::Aarch64;
    boot.kernel_args = kernel_args_for(run.scenario);
    std::string console;
    boot.console = &console;
    boot.echo = false;
    std::cout << fmt::format("booting {} ({}, {} CPU(s)) with {} ...\n", o.pc_image.filename().string(),
                             o.kvm ? "KVM" : "QEMU -icount", boot.smp, file);
    std::cout.flush();
    if (const int status = run_boot(boot); status != 0) {
      std::cerr << console << fmt::format("pristine calibrate: FAIL: the PC run of {} failed\n", file);
      return status == 2 ? 2 : 1;
    }
    try {
      run.pc = sim::merged_paths(sim::read_shutdown_report(console));
    } catch (const sim::ShutdownReportError& e) {
      std::cerr << fmt::format("pristine calibrate: FAIL: the PC run of {}: {}\n", file, e.what());
      return 1;
    }
    runs.push_back({file, std::move(run)});
  }

  const char* unit = o.kvm ? "cycles" : "instructions";
  std::cout << fmt::format("\n{:<22} {:<22} {:<4} {:>10} {:>10} {:>8} {:>8} {:>9}  {}\n", "hot path", "path", "stat",
                           o.kvm ? "KVM TSC" : "QEMU", "simulator", "diff", o.kvm ? "ratio" : "expected", "sim path",
                           "verdict");
  bool pass = true;
  std::string reasons;
  sim::JunitSuite suite{o.kvm ? "calibrate --kvm" : "calibrate", {{"machine", o.kvm ? "KVM" : "QEMU -icount"}}, {}};
  for (const CalibratedPath& c : calibrated) {
    const Run& run = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.first == c.scenario; })->second;
    const sim::HandlerReport* h = nullptr;
    for (const sim::HandlerReport& r : run.report.handlers) {
      if (r.name == c.path) h = &r;
    }
    const auto pc = std::find_if(run.pc.begin(), run.pc.end(), [&](const auto& p) { return p.first == c.path; });
    const char* stat = c.statistic == Statistic::Mean ? "mean" : "min";
    if (!c.judged || !h || pc == run.pc.end()) {
      const bool expected_missing = !c.judged;
      std::cout << fmt::format("{:<22} {:<22} {:<4} {:>10} {:>10} {:>8} {:>8} {:>9}  {}\n", c.benchmark, c.path, stat,
                               pc == run.pc.end() ? "-" : fmt::format("{:.1f}", statistic_of(pc->second, c.statistic)),
                               h ? fmt::format("{:.1f}", statistic_of(*h, c.statistic, o.kvm)) : "-", "-", "-",
                               h ? fmt::to_string(h->instructions_exclusive.p50) : "-",
                               expected_missing ? "not judged (see below)" : "FAIL: not observed");
      if (!expected_missing) pass = false;
      sim::JunitCase junit{std::string("calibrate.") + c.benchmark, c.path};
      junit.outcome = expected_missing ? sim::JunitCase::Outcome::Skipped : sim::JunitCase::Outcome::Failed;
      junit.type = "not-observed";
      junit.message = expected_missing ? c.reason : fmt::format("{} was not observed on {}", c.path, !h ? "the simulator" : "the PC");
      suite.cases.push_back(std::move(junit));
      reasons += fmt::format("  {}: {}\n", c.path, c.reason);
      continue;
    }
    const double qemu = statistic_of(pc->second, c.statistic);
    const double simulated = statistic_of(*h, c.statistic, o.kvm);
    std::string verdict;
    std::string expected;
    if (o.kvm) {
      expected = simulated > 0 ? fmt::format("{:.2f}", qemu / simulated) : "-";
      verdict = "measured";
    } else {
      expected = fmt::format("{:+.0f}", c.board_difference);
      const bool ok = within_tolerance(qemu, simulated, c.board_difference);
      verdict = ok ? "ok" : "FAIL: off the expected difference";
      pass &= ok;
    }
    sim::JunitCase junit{std::string("calibrate.") + c.benchmark, c.path};
    if (o.kvm) {
      junit.outcome = sim::JunitCase::Outcome::Skipped;
      junit.message = fmt::format("measured, not judged: KVM TSC {:.1f}, simulator {:.1f} cycles", qemu, simulated);
    } else if (verdict != "ok") {
      junit.outcome = sim::JunitCase::Outcome::Failed;
      junit.type = "off-expected-difference";
      junit.message = fmt::format("{} {} instructions: QEMU {:.1f}, simulator {:.1f}, difference {:+.1f}, expected {}",
                                  c.path, stat, qemu, simulated, qemu - simulated, expected);
      junit.text = fmt::format("tolerance: 3 instructions + 2 % of the QEMU figure; the board's difference: {}\n", c.reason);
    }
    suite.cases.push_back(std::move(junit));
    std::cout << fmt::format("{:<22} {:<22} {:<4} {:>10.1f} {:>10.1f} {:>+8.1f} {:>8} {:>9}  {}\n", c.benchmark, c.path,
                             stat, qemu, simulated, qemu - simulated, expected, h->instructions_exclusive.p50, verdict);
    reasons += fmt::format("  {}: {}\n", c.path, c.reason);
  }
  std::cout << fmt::format(
      "\nFigures: the kernel's own span of each path (dispatch entry to exit), in {}; same objects on both "
      "machines, so the difference is board code. \"sim path\": the simulator's whole path (delivery to the "
      "first instruction after the return, p50 instructions), as the budget gate measures it.\n{}",
      unit, reasons);
  if (!o.kvm) {
    std::cout << "Tolerance: |difference - expected| <= 3 instructions + 2% of the QEMU figure "
                 "(docs/cost-model.md, \"Calibration\").\n";
    std::cout << (pass ? "calibration: PASS\n" : "calibration: FAIL\n");
  }
  if (o.junit) {
    if (const std::string why = write_output(*o.junit, sim::render_junit("pristine calibrate", {suite})); !why.empty()) {
      std::cerr << fmt::format("pristine calibrate: --junit '{}': the JUnit report was NOT written: {}\n", *o.junit, why);
      return 2;
    }
  }
  return pass ? 0 : 1;
}

int run_calibrate_host(const HostCalibrateOptions& o) {
  if (o.json) {
    if (const std::string why = output_path_problem(*o.json); !why.empty()) {
      std::cerr << fmt::format("pristine calibrate --host: --json '{}': {}\n", *o.json, why);
      return 2;
    }
  }
  if (o.repetitions < 2) {
    std::cerr << fmt::format("pristine calibrate --host: --repetitions {}: must be at least 2\n", o.repetitions);
    return 2;
  }
  if (o.json) {
    if (const std::string why = remove_stale_output(*o.json); !why.empty()) {
      std::cerr << fmt::format("pristine calibrate --host: --json '{}': {}\n", *o.json, why);
      return 2;
    }
  }
  sim::HostCalibrationOptions options;
  options.repetitions = o.repetitions;
  const sim::HostCalibration calibration = sim::calibrate_host(sim::CostTable::defaults(), options);
  std::cout << sim::render_text(calibration);
  if (o.json) {
    if (const std::string why = write_output(*o.json, json_text(sim::to_json(calibration))); !why.empty()) {
      std::cerr << fmt::format("pristine calibrate --host: --json '{}': the JSON was NOT written: {}\n", *o.json, why);
      return 2;
    }
    std::cout << fmt::format("JSON: {}\n", *o.json);
  }
  return 0;
}

}  // namespace pristine::cli
