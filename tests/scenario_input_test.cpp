// Scenario and budget files are hostile input (issue 13; docs/input-limits.md,
// "Scenario and budget files"): a file over a shape limit is refused before
// the TOML library sees it, every time quantity has an upper bound so no sum
// of times wraps, and parameters that livelock the kernel by construction are
// refused with the bound they break.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "sim/budgets.h"
#include "sim/event_source.h"
#include "sim/scenario.h"
#include "sim/toml_input.h"

namespace pristine::sim {
namespace {

constexpr const char* kHead = "[scenario]\nname = \"x\"\nduration_ms = 1\n";

std::string dotted(std::size_t parts) {
  std::string key = "a";
  for (std::size_t i = 1; i < parts; ++i) key += ".a";
  return key;
}

// The error parse_scenario throws for `text`, or "accepted".
std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "bad.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "accepted";
}

std::string budgets_error(const std::string& text) {
  try {
    parse_budgets(text, "budgets.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "accepted";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- 1. Unbounded recursion in the TOML reader ------------------------------------

// Today: toml++ builds (and destroys) 40 000 nested tables recursively: SIGSEGV.
TEST(TomlShape, ADottedKeyOfFortyThousandPartsIsRefusedNotACrash) {
  const std::string error = scenario_error(std::string(kHead) + "[checks]\n" + dotted(40000) + " = 1\n");
  EXPECT_EQ(error.rfind("bad.toml:5: : ", 0), 0u) << error.substr(0, 200);
  EXPECT_TRUE(contains(error, "more than 16 dotted parts")) << error.substr(0, 200);
}

TEST(TomlShape, ATableHeaderOfFortyThousandPartsIsRefused) {
  const std::string error = scenario_error(std::string(kHead) + "[" + dotted(40000) + "]\n");
  EXPECT_EQ(error.rfind("bad.toml:4: : ", 0), 0u) << error.substr(0, 200);
  EXPECT_TRUE(contains(error, "dotted parts")) << error.substr(0, 200);
  const std::string array = scenario_error(std::string(kHead) + "[[" + dotted(40000) + "]]\n");
  EXPECT_TRUE(contains(array, "dotted parts")) << array.substr(0, 200);
}

TEST(TomlShape, TheBudgetsFileGoesThroughTheSameScan) {
  const std::string error = budgets_error("ceiling = 1000\n[" + dotted(40000) + "]\n");
  EXPECT_EQ(error.rfind("budgets.toml:2: : ", 0), 0u) << error.substr(0, 200);
  EXPECT_TRUE(contains(error, "dotted parts")) << error.substr(0, 200);
}

TEST(TomlShape, DeepValuesLongKeysAndHugeFilesAreRefused) {
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\nx = " + std::string(17, '[') +
                                      std::string(17, ']') + "\n"),
                       "nested more than 16 deep"));
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\nx = {a = {a = {a = {a = {a = {a = {a = {a = "
                                                           "{a = {a = {a = {a = {a = {a = {a = {a = {a = 1}}}}}}}}}}}}}}}}}\n"),
                       "nested more than 16 deep"));
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\n" + std::string(300, 'k') + " = 1\n"),
                       "longer than 256 bytes"));
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\n\"" + std::string(300, 'k') + "\" = 1\n"),
                       "longer than 256 bytes"));
  // A dotted key hidden inside an inline table is a key too.
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\nx = {" + dotted(100) + " = 1}\n"),
                       "dotted parts"));
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\nx = [{b = 1}, {" + dotted(100) + " = 1}]\n"),
                       "dotted parts"));
  const std::string big = std::string(kHead) + "description = \"" + std::string(TomlLimits::kMaxFileBytes, 'x') + "\"\n";
  const std::string error = scenario_error(big);
  EXPECT_EQ(error.rfind("bad.toml:0: : ", 0), 0u) << error.substr(0, 200);
  EXPECT_TRUE(contains(error, "at most 1048576 bytes")) << error.substr(0, 200);
}

TEST(TomlShape, DotsAndBracketsInStringsCommentsAndNumbersCountForNothing) {
  // Refused on its content (an unknown key), not its shape: the scan let it through.
  const std::string text = std::string(kHead) +
                           "description = \"" + dotted(100) + " [[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{\"\n"
                           "# " + dotted(100) + " [[[[[[[[[[[[[[[[[[[[[[[[[\n"
                           "[checks]\n"
                           "\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s\".x = '''" + dotted(50) + "\n" + dotted(50) + "'''\n";
  const std::string error = scenario_error(text);
  EXPECT_TRUE(contains(error, ": checks.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s: unknown key")) << error;
  // Sixteen parts is the limit, inclusive; numbers with dots are values.
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\n" + dotted(16) + " = [1.5, 2.5, 3.5e2]\n"),
                       "checks.a: unknown key"));
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[checks]\n" + dotted(17) + " = 1\n"), "dotted parts"));
  // A multi-line basic string with escaped quotes and a closing run of quotes.
  EXPECT_EQ(scenario_error("[scenario]\nname = \"x\"\nduration_ms = 1\ndescription = \"\"\"a \\\"\"\" " + dotted(40) +
                           " b\"\"\"\"\"\n"),
            "accepted");
}

// toml++ 3.3 reaches __builtin_unreachable classifying some non-ASCII code
// points outside strings (undefined behaviour in the shipped library; a
// crash under the sanitizers), and asserts on a header without a key: the
// scan refuses both first. Found by the scenario fuzzer.
TEST(TomlShape, NonAsciiOutsideStringsAndCommentsAndKeylessHeadersAreRefused) {
  EXPECT_TRUE(contains(scenario_error("\xEF\xBB\x82"), "bad.toml:1: : byte 0xef outside a string or comment"));
  EXPECT_TRUE(contains(scenario_error("c=0'\xC8\xBA"), "byte 0xc8 outside a string or comment"))
      << "a quote after a number opens no string";
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "\xC3\xA9 = 1\n"), "bad.toml:4: : byte 0xc3"));
  EXPECT_TRUE(contains(scenario_error("[\n"), "bad.toml:1: : Error while parsing table header: expected a bare key"));
  EXPECT_TRUE(contains(scenario_error("[[ =]]\n"), "expected a bare key"));
  EXPECT_FALSE(contains(scenario_error("d=[}"), "accepted"));
  // In strings and comments, and after a byte order mark, non-ASCII text is fine.
  EXPECT_EQ(scenario_error("\xEF\xBB\xBF# caf\xC3\xA9\n[scenario]\nname = \"caf\xC3\xA9\"\nduration_ms = 1\n"
                           "description = '''\xC3\xA9\n\xC3\xA9'''\n"),
            "accepted");
}

TEST(TomlShape, EveryShippedFileStillParses) {
  for (const char* dir : {"/scenarios", "/benches/scenarios"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(PRISTINE_SOURCE_DIR) + dir)) {
      if (entry.path().extension() == ".toml") {
        EXPECT_NO_THROW(load_scenario(entry.path())) << entry.path();
      }
    }
  }
  EXPECT_NO_THROW(load_budgets(PRISTINE_SOURCE_DIR "/benches/budgets.toml"));
}

// ---- 2. 64-bit wrap-around in scenario arithmetic ----------------------------------

// Today: start_us * 2000 is just below 2^64, the first Poisson gap wraps it
// to a few hundred cycles, and the source fires all through the run.
TEST(TimeBounds, ASourceStartingBeyondTheRunIsRefused) {
  const std::string error = scenario_error(std::string(kHead) +
                                           "[[source]]\nname = \"far\"\nkind = \"poisson\"\nvector = 0x41\n"
                                           "mean_us = 5\nstart_us = 9223372036854775\n");
  EXPECT_TRUE(contains(error, "bad.toml:9: source[0].start_us: 9223372036854775 is too large")) << error;
  const std::string after = scenario_error(std::string(kHead) +
                                           "[[source]]\nname = \"late\"\nkind = \"periodic\"\nvector = 0x41\n"
                                           "period_us = 5\nstart_us = 1000\n");
  EXPECT_TRUE(contains(after, "source[0].start_us: starts at cycle 2000000, not before the end of the run")) << after;
  const std::string fault = scenario_error(std::string(kHead) + "[[fault]]\nkind = \"spurious\"\nrate_hz = 1000\n"
                                                                "start_cycles = 2000000\n");
  EXPECT_TRUE(contains(fault, "fault[0].start_cycles: starts at cycle 2000000")) << fault;
}

TEST(TimeBounds, ASourceNearTheEndOf64BitsNeverArrivesBeforeItsStart) {
  for (const SourceKind kind : {SourceKind::Periodic, SourceKind::Poisson, SourceKind::Bursty}) {
    SourceSpec spec{.name = "far", .kind = kind, .vector = 0x41, .start = UINT64_MAX - 1000, .period = 5000,
                    .burst = 4, .burst_period = 50000, .spacing = 100};
    EventSource source(spec, 1, 0);
    Cycles last = 0;
    for (int i = 0; i < 20; ++i) {
      const Cycles t = source.next_arrival();
      EXPECT_GE(t, spec.start) << "arrival " << i << " of kind " << static_cast<int>(kind) << " wrapped";
      EXPECT_GE(t, last);
      last = t;
    }
  }
}

// Today: accepted, and the delayed tick is due ~2^64 cycles later (or, with
// late_us, wraps and arrives at once) while the report says it was raised.
TEST(TimeBounds, AnEnormousTimerLateIsRefused) {
  const std::string head = std::string(kHead) + "[[fault]]\nkind = \"timer-late\"\nrate_hz = 1000\n";
  EXPECT_TRUE(contains(scenario_error(head + "late_us = 9223372036854775\n"), "fault[0].late_us: 9223372036854775 is too large"));
  EXPECT_TRUE(contains(scenario_error(head + "late_cycles = 9223372036854775807\n"), "is too large"));
  const std::string error = scenario_error(head + "late_cycles = 2000000\n");
  EXPECT_TRUE(contains(error, "fault[0].late_cycles: 2000000 cycles late is not less than the run")) << error;
  EXPECT_EQ(parse_scenario(head + "late_cycles = 1999999\n", "ok.toml").faults[0].late, 1'999'999u);
}

// Today: accepted; the run would take hours of host time.
TEST(TimeBounds, ARunLongerThanTenSecondsOfModeledTimeIsRefused) {
  const std::string error = scenario_error("[scenario]\nname = \"x\"\nduration_cycles = 9223372036854775807\n");
  EXPECT_TRUE(contains(error, "bad.toml:3: scenario.duration_cycles: 9223372036854775807 is too large")) << error;
  EXPECT_TRUE(contains(error, "more than the 10 s of modeled time")) << error;
  EXPECT_TRUE(contains(scenario_error("[scenario]\nname = \"x\"\nduration_ms = 10001\n"), "10 s"));
  EXPECT_TRUE(contains(scenario_error("[scenario]\nname = \"x\"\ncpu_mhz = 100\nduration_ms = 10001\n"),
                       "(1000000000 cycles at 100 MHz)"));
  EXPECT_EQ(parse_scenario("[scenario]\nname = \"x\"\nduration_ms = 10000\n", "ok.toml").duration, 20'000'000'000u);
  // Periods are bounded the same way.
  EXPECT_TRUE(contains(scenario_error(std::string(kHead) + "[[source]]\nname = \"s\"\nkind = \"periodic\"\n"
                                                           "vector = 0x41\nperiod_cycles = 20000000001\n"),
                       "source[0].period_cycles: 20000000001 is too large"));
}

TEST(TimeBounds, ThePlanSaysHowLongTheRunIsAndHowManyEventsToExpect) {
  const Scenario s = parse_scenario(R"(
[scenario]
name = "plan"
duration_ms = 10
cpus = 2
[kernel]
tick_hz = 10000
[[source]]
name = "p"
kind = "periodic"
vector = 0x41
period_us = 100
start_us = 50
[[source]]
name = "b"
kind = "bursty"
vector = 0x42
burst = 4
burst_period_us = 1000
spacing_cycles = 100
[[fault]]
kind = "spurious"
rate_hz = 1000
count = 3
)",
                                    "plan.toml");
  const RunPlan p = plan_of(s);
  EXPECT_EQ(p.cycles, 20'000'000u);
  EXPECT_DOUBLE_EQ(p.milliseconds, 10.0);
  EXPECT_EQ(p.ticks_per_cpu, 100u);
  EXPECT_EQ(p.source_interrupts, 100u + 40u) << "at 50, 150, ..., 9950 us; 10 bursts of 4";
  EXPECT_EQ(p.fault_injections, 3u) << "10 expected, at most 3";
  EXPECT_EQ(describe_plan(s),
            "plan: 10.000 ms modeled (20000000 cycles at 2000 MHz) on 2 CPU(s): about 100 timer ticks per CPU, "
            "140 source interrupts, 3 fault injections");
}

// ---- 3. Checks that depend on optional tables ---------------------------------------

// Today: without [kernel] the default 1000 Hz at 1 MHz (a tick every 1000
// cycles) is accepted; the same rate written in [kernel] is refused.
TEST(DefaultsChecked, TheTickPeriodBoundAppliesToTheDefaultTickRate) {
  const std::string error = scenario_error("[scenario]\nname = \"x\"\ncpu_mhz = 1\nduration_ms = 10\n");
  EXPECT_TRUE(contains(error, "bad.toml:3: scenario.cpu_mhz: at 1 MHz the default tick of 1000 Hz gives a tick every "
                              "1000 cycles; the tick period must be at least 2000 cycles"))
      << error;
  EXPECT_TRUE(contains(scenario_error("[scenario]\nname = \"x\"\ncpu_mhz = 1\nduration_ms = 10\n[kernel]\ntick_hz = 1000\n"),
                       "bad.toml:6: kernel.tick_hz: 1000 Hz gives a tick every 1000 cycles"));
  EXPECT_EQ(parse_scenario("[scenario]\nname = \"x\"\ncpu_mhz = 2\nduration_ms = 10\n", "ok.toml").tick_hz, 1000u);
  EXPECT_EQ(parse_scenario("[scenario]\nname = \"x\"\ncpu_mhz = 1\nduration_ms = 10\n[kernel]\ntick_hz = 500\n", "ok.toml")
                .tick_hz,
            500u);
}

// ---- 4. Parameters that livelock the kernel by construction -------------------------

// Today: an NMI every 100 cycles (the documented minimum) is accepted.
TEST(Livelock, AFaultFasterThanTheInjectionBoundIsRefused) {
  const std::string error =
      scenario_error(std::string(kHead) + "[[fault]]\nkind = \"nmi\"\nmean_cycles = 100\n");
  EXPECT_TRUE(contains(error, "bad.toml:6: fault[0].mean_cycles: 100 cycles between injections is a livelock: must be "
                              "at least 10000 cycles"))
      << error;
  EXPECT_EQ(parse_scenario(std::string(kHead) + "[[fault]]\nkind = \"nmi\"\nmean_cycles = 10000\n", "ok.toml")
                .faults[0]
                .mean,
            10'000u);
}

TEST(Livelock, FaultsTogetherMayNotInjectFasterThanTheBound) {
  // Two entries at 20 000 cycles each inject every 10 000 together: the limit.
  std::string text = std::string(kHead);
  for (int i = 0; i < 3; ++i) text += "[[fault]]\nkind = \"spurious\"\nmean_cycles = 20000\n";
  const std::string error = scenario_error(text);
  EXPECT_TRUE(contains(error, "fault[2].mean_cycles: the [[fault]] tables so far inject once every 6667 cycles"))
      << error;
  EXPECT_NO_THROW(parse_scenario(text.substr(0, text.rfind("[[fault]]")), "ok.toml"));
}

// Today: thousands of [[fault]] tables are accepted.
TEST(Livelock, AtMostSixtyFourFaultTables) {
  std::string text = std::string(kHead);
  for (int i = 0; i < 2000; ++i) text += "[[fault]]\nkind = \"spurious\"\nrate_hz = 1\n";
  const std::string error = scenario_error(text);
  EXPECT_TRUE(contains(error, "fault: 2000 [[fault]] tables: at most 64")) << error;
}

// Today: accepted; the injection unmaps a kernel thread's counter and the
// run ends in a ring-0 #PF (kernel-fault).
TEST(Livelock, APageFaultAimedAtAKernelThreadIsRefused) {
  for (const char* program : {"kernel-counter", "kernel-stack-overflow"}) {
    const std::string error = scenario_error(std::string(kHead) + "[[task]]\nname = \"k\"\nprogram = \"" + program +
                                             "\"\n[[fault]]\nkind = \"page-fault\"\nrate_hz = 1000\ntask = \"k\"\n");
    EXPECT_TRUE(contains(error, fmt::format("bad.toml:10: fault[0].task: task 'k' is a kernel thread ({})", program)))
        << error;
  }
}

// ---- the budgets file -----------------------------------------------------------

TEST(BudgetBounds, FiguresAreBoundedAndGoalSourceIsAString) {
  EXPECT_TRUE(contains(budgets_error("ceiling = 9223372036854775807\n[paths.timer_tick]\nbudget = 10\n"),
                       "budgets.toml:1: ceiling: must be a positive integer (modeled cycles) of at most 1000000"));
  EXPECT_TRUE(contains(budgets_error("ceiling = 1000\n[paths.timer_tick]\nbudget = 10\ngoal_source = 5\n"),
                       "budgets.toml:4: paths.timer_tick.goal_source: must be a string"));
}

}  // namespace
}  // namespace pristine::sim

namespace pristine::sim {
namespace {

// `arch` picks the CPU; only the two this kernel has are accepted, and the
// error names the line and the key.
TEST(ScenarioArch, TheKeyNamesTheCpuAndAnythingElseIsRefusedAtItsLine) {
  const std::string head = "[scenario]\nname = \"x\"\nduration_ms = 10\n";
  const Scenario plain = parse_scenario(head, "ok.toml");
  EXPECT_EQ(plain.arch, GuestArchitecture::X86_64);
  EXPECT_EQ(plain.arch_line, 0u) << "not given";
  const Scenario arm = parse_scenario(head + "arch = \"aarch64\"\n", "ok.toml");
  EXPECT_EQ(arm.arch, GuestArchitecture::Aarch64);
  EXPECT_EQ(arm.arch_line, 4u);
  EXPECT_EQ(parse_scenario(head + "arch = \"x86_64\"\n", "ok.toml").arch, GuestArchitecture::X86_64);
  EXPECT_EQ(scenario_error(head + "arch = \"riscv64\"\n"),
            "bad.toml:4: scenario.arch: is no architecture of this kernel (allowed: x86_64, aarch64)");
  EXPECT_NE(scenario_error(head + "arch = 64\n").find("bad.toml:4: scenario.arch:"), std::string::npos);
}

// x86-64's own fault kinds (an NMI, the swapgs/iretq window) are refused in
// an AArch64 scenario at their key; the others, and the same NMIs on
// x86-64, are accepted. An AArch64 scenario's budgets name its paths.
TEST(ScenarioArch, AnAarch64ScenarioRefusesX86FaultKindsAndNamesItsOwnPaths) {
  const std::string arm = "[scenario]\nname = \"x\"\narch = \"aarch64\"\nduration_ms = 10\n";
  const std::string x86 = "[scenario]\nname = \"x\"\nduration_ms = 10\n";
  for (const char* kind : {"nmi", "nmi-swapgs-window"}) {
    const std::string fault = fmt::format("[[fault]]\nkind = \"{}\"\nrate_hz = 100\n", kind);
    EXPECT_EQ(scenario_error(arm + fault),
              fmt::format("bad.toml:6: fault[0].kind: '{}' is x86-64's: the AArch64 board raises no NMI, and AArch64 "
                          "has no swapgs (scenario.arch is aarch64; docs/aarch64.md)",
                          kind));
    EXPECT_EQ(parse_scenario(x86 + fault, "ok.toml").faults.size(), 1u) << kind;
  }
  EXPECT_EQ(parse_scenario(arm + "[[fault]]\nkind = \"spurious\"\nrate_hz = 100\n", "ok.toml").faults.size(), 1u);
  EXPECT_EQ(parse_scenario(arm + "[budgets]\ndata-abort = 900\n", "ok.toml").budgets.size(), 1u);
  EXPECT_NE(scenario_error(x86 + "[budgets]\ndata-abort = 900\n").find("budgets.data-abort: unknown handler"),
            std::string::npos);
}

}  // namespace
}  // namespace pristine::sim
