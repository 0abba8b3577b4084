// End-to-end runs of sim-kernel.elf on the simulator: the storm makes progress,
// budgets are enforced, and a seed fully determines the report.
#include "sim/simulator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/exception_vectors.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

Report run(const Scenario& scenario) { return Simulator(scenario, kImage).run(); }

const HandlerReport* find_handler(const Report& r, Vector v) {
  for (const HandlerReport& h : r.handlers) {
    if (h.vector == v) return &h;
  }
  return nullptr;
}

class TimerStorm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = new Scenario(load_scenario(kScenarios / "timer-storm.toml"));
    report_ = new Report(run(*scenario_));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete scenario_;
  }
  static Scenario* scenario_;
  static Report* report_;
};
Scenario* TimerStorm::scenario_ = nullptr;
Report* TimerStorm::report_ = nullptr;

TEST_F(TimerStorm, PassesWithEveryHandlerUnderBudget) {
  const Report& r = *report_;
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message << " " << v.symbol;
  EXPECT_TRUE(r.pass());
  EXPECT_EQ(r.end, "duration");
  const HandlerReport* timer = find_handler(r, vectors::kTimer);
  ASSERT_NE(timer, nullptr);
  EXPECT_LT(timer->cycles.max, 1000u);
}

// The scenario's names for its sources reach the reports: which path each one's
// interrupts ran (a device path is named by its vector).
TEST_F(TimerStorm, TheScenariosSourceNamesAreInTheReports) {
  const Report& r = *report_;
  ASSERT_EQ(r.sources.size(), scenario_->sources.size());
  EXPECT_EQ(r.sources[0].name, "nic");
  EXPECT_EQ(r.sources[0].handler, "device1");
  EXPECT_NE(find_handler(r, r.sources[0].vector), nullptr);
  EXPECT_NE(render_text(r).find("sources: nic (poisson 0x41 -> device1), disk (bursty 0x42 -> device2)"),
            std::string::npos)
      << render_text(r);
  EXPECT_EQ(to_json(r)["sources"][1]["name"], "disk");
}

TEST_F(TimerStorm, BothRing3TasksProgressAndAreSwitched) {
  int user_tasks = 0;
  for (const TaskReport& t : report_->tasks) {
    if (!t.user) continue;
    ++user_tasks;
    EXPECT_GT(t.progress, 0u) << t.name;
    EXPECT_GT(t.switches_in, 1u) << t.name << " was never preempted and resumed";
  }
  EXPECT_EQ(user_tasks, 2);
  EXPECT_GT(report_->context_switches, 2u);
}

TEST_F(TimerStorm, TicksArriveAtTheConfiguredRate) {
  const Report& r = *report_;
  ASSERT_GT(r.expected_ticks, 100u);
  EXPECT_GE(r.ticks + 1, r.expected_ticks);
  EXPECT_LE(r.ticks, r.expected_ticks);
}

TEST_F(TimerStorm, DeviceStormIsDeliveredAndAccountedFor) {
  const Report& r = *report_;
  for (const SourceSpec& s : scenario_->sources) {
    const HandlerReport* h = find_handler(r, s.vector);
    ASSERT_NE(h, nullptr) << s.name;
    EXPECT_GT(h->count, 10u) << s.name;
  }
  EXPECT_EQ(r.interrupts.lost, 0u);
  EXPECT_EQ(r.interrupts.injected,
            r.interrupts.delivered + r.interrupts.coalesced + r.interrupts.pending);
}

TEST_F(TimerStorm, HandlersRunWithInterruptsMaskedSoNothingNests) {
  // Interrupt gates clear IF and the kernel never sets it in a handler: the
  // simulator must not deliver into them, so exclusive == inclusive.
  for (const HandlerReport& h : report_->handlers) {
    EXPECT_EQ(h.cycles.max, h.cycles_exclusive.max) << h.name;
    EXPECT_EQ(h.cycles.p50, h.cycles_exclusive.p50) << h.name;
  }
}

// The kernel returns to ring 0 by popfq, then ret (hw-x86_64/cpu/interrupt_entry.S,
// interrupt_return_kernel): an interrupt already pending when popfq sets IF
// waits for the ret, as after iretq, so it never nests in the path that is
// returning and is never counted in it. An idle CPU under a device storm
// with ticks has one pending at such a return every tick.
TEST(Simulator, AnInterruptPendingAtARingZeroReturnWaitsForItsRet) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "idle-storm-with-ticks"
seed = 1
cpu_mhz = 2000
duration_ms = 5

[kernel]
tick_hz = 1000

[[source]]
name = "storm"
kind = "periodic"
vector = 0x40
period_cycles = 1000
)", "idle-storm-with-ticks.toml"));
  ASSERT_TRUE(r.pass());
  ASSERT_GE(r.handlers.size(), 2u);
  for (const HandlerReport& h : r.handlers) {
    EXPECT_GT(h.count, 0u) << h.name;
    EXPECT_EQ(h.cycles.max, h.cycles_exclusive.max) << h.name << ": an interrupt nested in it";
  }
}

TEST(Simulator, SameSeedGivesByteIdenticalJson) {
  Scenario s = load_scenario(kScenarios / "timer-storm.toml");
  s.duration /= 4;
  const std::string first = to_json(run(s)).dump(2);
  const std::string second = to_json(run(s)).dump(2);
  EXPECT_EQ(first, second);
}

TEST(Simulator, DifferentSeedGivesADifferentEventSequence) {
  Scenario s = load_scenario(kScenarios / "timer-storm.toml");
  s.duration /= 4;
  s.seed = 1;
  const Report a = run(s);
  s.seed = 2;
  const Report b = run(s);
  EXPECT_NE(to_json(a).dump(), to_json(b).dump());
  EXPECT_NE(a.interrupts.injected, b.interrupts.injected) << "the Poisson source drew the same arrivals";
}

TEST(Simulator, QuietScenarioHasOnlyTimerTicks) {
  const Report r = run(load_scenario(kScenarios / "quiet.toml"));
  EXPECT_TRUE(r.pass());
  for (const HandlerReport& h : r.handlers) EXPECT_EQ(h.vector, vectors::kTimer) << h.name;
  EXPECT_GT(r.ticks, 0u);
}

// Regression: with the timer at 0x30 below the device class (0x40-0x4F), a
// device whose period is shorter than its handler kept a device vector in
// service or pending at a higher priority class at every instant, and not a
// single tick was delivered. The vector map puts the tick above every device.
TEST(Simulator, ADeviceStormFasterThanItsHandlerCannotStarveTheTick) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "device-storm-vs-tick"
duration_ms = 2

[kernel]
tick_hz = 10000

[[task]]
name = "counter"
program = "counter"

[[source]]
name = "flood"
kind = "periodic"
vector = 0x40
period_cycles = 150
)", "device-storm-vs-tick.toml"));
  const HandlerReport* device = find_handler(r, vectors::kDeviceBase);
  ASSERT_NE(device, nullptr);
  EXPECT_GT(device->count, 5000u) << "the flood was delivered";
  ASSERT_GT(r.expected_ticks, 12u) << "the run is long enough to judge (boot, spare task slots included, comes first)";
  EXPECT_GE(r.ticks + 1, r.expected_ticks) << "the device storm held off the tick";
  for (const Violation& v : r.violations) EXPECT_NE(v.kind, "tick-starved") << v.message;
}

// Regression: the tick woke every due sleeper in one loop. Eight sleepers
// whose deadlines fall between two ticks of a slow clock made the tick that
// woke them cost well over the 1000-cycle gate; now each timer interrupt
// wakes one and the timer fires again at once for the next.
TEST(Simulator, SleepersDueTogetherKeepEveryTickUnderTheGate) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "sleepers-due-together"
cpu_mhz = 200
duration_ms = 60

[kernel]
tick_hz = 200

[[task]]
name = "counter"
program = "counter"

[[task]]
name = "sleeper0"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper1"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper2"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper3"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper4"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper5"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper6"
program = "sleeper"
priority = 1
sleep_us = 300

[[task]]
name = "sleeper7"
program = "sleeper"
priority = 1
sleep_us = 300
)", "sleepers-due-together.toml"));
  int timer_paths = 0;
  for (const HandlerReport& h : r.handlers) {
    if (h.vector != vectors::kTimer) continue;
    ++timer_paths;
    EXPECT_LT(h.cycles_exclusive.max, 1000u) << h.name;
  }
  EXPECT_GT(timer_paths, 0);
  const Cycles period = r.cpu_hz / 200;
  for (const TaskReport& t : r.tasks) {
    if (!t.name.starts_with("sleeper")) continue;
    // Every tick (11 in the run) wakes all eight; the seven woken by catch-up
    // interrupts queue behind the counter whose turn ended at that tick, so
    // they sleep again one tick later and wake every other tick.
    EXPECT_GE(t.wakeups, 5u) << t.name;
    EXPECT_LT(t.max_wake_latency, period + 10'000) << t.name;
  }
}

TEST(Simulator, TightBudgetFailsTheRunAndNamesTheHandler) {
  Scenario s = parse_scenario(R"(
[scenario]
name = "tight"
duration_ms = 2
[kernel]
tick_hz = 10000
[[task]]
name = "a"
program = "counter"
[budgets]
timer = 50
)", "tight.toml");
  const Report r = run(s);
  EXPECT_FALSE(r.pass());
  bool named = false;
  for (const Violation& v : r.violations) named |= v.kind == "budget" && v.message.find("timer") != std::string::npos;
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace pristine::sim

namespace pristine::sim {
namespace {

const TaskReport& task_named(const Report& r, const std::string& name) {
  for (const TaskReport& t : r.tasks) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no task " + name);
}

TEST(PreemptScenario, FairWithinPriorityWeightedAcrossAndTheSleeperWakesOnTime) {
  const Scenario s = load_scenario(kScenarios / "preempt.toml");
  const Report r = run(s);
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  ASSERT_TRUE(r.pass());
  const auto run_of = [&](const char* name) { return static_cast<double>(task_named(r, name).run_cycles); };
  EXPECT_NEAR(run_of("low-a") / run_of("low-b"), 1.0, 0.15) << "equal priorities, equal shares";
  EXPECT_NEAR(run_of("high-a") / run_of("high-b"), 1.0, 0.15);
  const double ratio = (run_of("high-a") + run_of("high-b")) / (run_of("low-a") + run_of("low-b"));
  EXPECT_NEAR(ratio, 2.0, 0.3) << "priority 1 gets two slices per turn";
  for (const TaskReport& t : r.tasks) {
    if (t.user) {
      EXPECT_GT(t.progress, 0u) << t.name;
    }
  }
  const TaskReport& sleeper = task_named(r, "sleeper");
  const Cycles tick = s.cpu_hz / s.tick_hz;
  EXPECT_GT(sleeper.wakeups, 30u);
  EXPECT_LE(sleeper.max_wake_latency, tick) << "wakes at the first tick after its deadline";
  EXPECT_GT(r.context_switches, 50u);
  EXPECT_LT(r.switch_cycles.max, 1000u) << "every path that switched stays under the hard budget";
  EXPECT_EQ(r.switch_count, r.context_switches) << "every kernel switch was seen on a measured path";
}

}  // namespace
}  // namespace pristine::sim

namespace pristine::sim {
namespace {

TEST(FaultsScenario, RingThreeFaultsEndOnlyTheFaultingTaskWithTheRightReason) {
  const std::filesystem::path image = kImage;
  const GuestImage symbols = GuestImage::load(image);
  const Report r = run(load_scenario(kScenarios / "faults.toml"));
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  EXPECT_TRUE(r.pass());
  struct Expected {
    const char* task;
    Vector vector;
    const char* program;
    std::uint64_t offset;  // of the faulting instruction in the program
    std::optional<std::uint64_t> cr2;
    std::uint64_t error_code = 0;
  };
  const VirtAddr kernel_half = 0xFFFFFFFF80000000;
  // Offsets follow kernel-image/user/faults.S (incq (%rdi) is 3 bytes). The
  // page-fault error codes (SDM Vol. 3, 4.7): P 1, W 2, U 4, I/D 0x10. Page
  // 0 is present but supervisor-only (the boot tables' low identity map), so
  // a null pointer is a protection fault, as on the PC.
  const Expected expected[] = {
      {"divide", vectors::kDivideError, "user_fault_divide_main", 5, std::nullopt},
      {"ud2", vectors::kInvalidOpcode, "user_fault_ud2_main", 3, std::nullopt},
      {"privileged", vectors::kGeneralProtection, "user_fault_privileged_main", 3, std::nullopt},
      {"bad-read", vectors::kPageFault, "user_fault_read_main", 3, 0x8, 0x5},
      {"bad-write", vectors::kPageFault, "user_fault_write_main", 3, 0x10, 0x7},
      {"stack-overflow", vectors::kPageFault, "user_fault_stack_main", 3, std::nullopt, 0x6},
      // Unicorn does not check movdqa alignment; the simulator's check must.
      {"misaligned", vectors::kGeneralProtection, "user_fault_misaligned_main", 0x10, std::nullopt},
      {"kernel-read", vectors::kPageFault, "user_fault_kernel_read_main", 3, kernel_half, 0x5},
      {"kernel-write", vectors::kPageFault, "user_fault_kernel_write_main", 3, kernel_half, 0x7},
      {"write-text", vectors::kPageFault, "user_fault_write_text_main", 3,
       symbols.symbol("user_fault_write_text_main"), 0x7},
  };
  for (const Expected& e : expected) {
    const TaskReport& t = task_named(r, e.task);
    EXPECT_FALSE(t.alive) << e.task;
    EXPECT_EQ(t.progress, 1u) << e.task << " ran once before faulting";
    ASSERT_TRUE(t.fault.has_value()) << e.task;
    EXPECT_EQ(t.fault->vector, e.vector) << e.task;
    EXPECT_EQ(t.fault->rip, symbols.symbol(e.program) + e.offset) << e.task << ": the faulting instruction";
    if (e.cr2) {
      EXPECT_EQ(t.fault->cr2, *e.cr2) << e.task;
    }
    EXPECT_EQ(t.fault->error_code, e.error_code) << e.task;
  }
  // A fetch from the no-execute page it jumped to: RIP and CR2 are the target.
  const TaskReport& exec = task_named(r, "exec-data");
  ASSERT_TRUE(exec.fault.has_value());
  EXPECT_EQ(exec.fault->vector, vectors::kPageFault);
  EXPECT_EQ(exec.fault->error_code, 0x15u) << "present, ring 3, instruction fetch";
  EXPECT_EQ(exec.fault->rip, exec.fault->cr2);
  EXPECT_EQ(exec.fault->rip & 0xFFF, 0u) << "the counter page";
  // A write to a heap page the task made read-only (protect): present, write,
  // user; CR2 the first heap page, the RIP inside the program's code.
  const TaskReport& protected_write = task_named(r, "write-protected");
  ASSERT_TRUE(protected_write.fault.has_value());
  EXPECT_EQ(protected_write.fault->vector, vectors::kPageFault);
  EXPECT_EQ(protected_write.fault->error_code, 0x7u);
  EXPECT_EQ(protected_write.progress, 1u);
  const Symbol* writer = symbols.function_at(protected_write.fault->rip);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->name, "user_fault_write_protected_main");
  EXPECT_EQ(protected_write.fault->cr2 & 0xFFF, 0u) << "the start of the first heap page";
  const TaskReport& overflow = task_named(r, "stack-overflow");
  EXPECT_EQ(overflow.fault->cr2 & 0xFFF, 0xFF8u) << "the call's push into the guard page";
  for (const char* survivor : {"counter-a", "counter-b"}) {
    EXPECT_TRUE(task_named(r, survivor).alive);
    EXPECT_GT(task_named(r, survivor).progress, 1000u) << survivor << " kept running";
  }
}

// Found by the swarm (seeds 105, 144, 182, 194): a page-fault injection made
// the page not present in the boot CPU's engine only, so a task on another
// CPU never faulted, and its counter read 0 in the report (no-progress).
TEST(FaultsScenario, AnInjectedPageFaultReachesATaskOnAnotherCpu) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "page-fault-on-cpu-1"
cpus = 2
duration_ms = 4
[[task]]
name = "far"
program = "counter"
cpu = 1
[[fault]]
kind = "page-fault"
task = "far"
mean_us = 300
)", "page-fault-on-cpu-1.toml"));
  const HandlerReport* page_faults = find_handler(r, vectors::kPageFault);
  ASSERT_NE(page_faults, nullptr) << "the task on CPU 1 never faulted";
  EXPECT_GT(page_faults->count, 2u);
  EXPECT_GT(task_named(r, "far").progress, 0u);
  EXPECT_TRUE(r.pass());
}

// Found by the swarm (seeds 84, 154): a page made not present by the last
// injection, not touched again before the run ended, read as a counter of 0.
TEST(FaultsScenario, APageStillNotPresentAtTheEndDoesNotHideTheTasksProgress) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "page-fault-at-the-end"
duration_ms = 3
[[task]]
name = "victim"
program = "counter"
[[task]]
name = "hog"
program = "kernel-counter"
priority = 3
[[fault]]
kind = "page-fault"
task = "victim"
mean_us = 20
)", "page-fault-at-the-end.toml"));
  bool untouched = false;
  for (const InjectedFault& f : r.faults) untouched |= f.outcome == "not touched again before the run ended";
  ASSERT_TRUE(untouched) << "the scenario must end with the page still not present";
  EXPECT_GT(task_named(r, "victim").progress, 0u);
  for (const Violation& v : r.violations) EXPECT_NE(v.kind, "no-progress") << v.message;
}

TEST(FaultsScenario, FrequentWindowNmisWithAlignmentChecksKeepTheKernelSound) {
  // Regression: with the alignment-check code hooks installed, Unicorn reported
  // a stale RIP after a block-hook stop, and a window NMI was delivered at the
  // wrong place (the kernel then faulted).
  const Report r = run(parse_scenario(R"(
[scenario]
name = "window-storm"
duration_ms = 4
[kernel]
tick_hz = 10000
[[task]]
name = "counter-a"
program = "counter"
[[task]]
name = "misaligned"
program = "fault-misaligned"
[[task]]
name = "counter-b"
program = "counter"
[[fault]]
kind = "nmi-swapgs-window"
rate_hz = 5000
)", "window-storm.toml"));
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message << " at " << v.symbol;
  EXPECT_TRUE(r.pass());
  EXPECT_GT(r.faults.size(), 5u);
}

TEST(FaultsScenario, EveryInjectedFaultIsListedWithWhatTheKernelDid) {
  const Report r = run(load_scenario(kScenarios / "faults.toml"));
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  const auto outcomes_of = [&](const std::string& kind) {
    std::vector<const InjectedFault*> found;
    for (const InjectedFault& f : r.faults) {
      if (f.kind == kind) found.push_back(&f);
    }
    return found;
  };
  const auto window = outcomes_of("nmi-swapgs-window");
  ASSERT_EQ(window.size(), 5u) << "count = 5 in the scenario";
  for (const InjectedFault* f : window) {
    EXPECT_NE(f->context.find("user GS"), std::string::npos);
    EXPECT_NE(f->outcome.find("resumed where it was"), std::string::npos) << f->outcome;
  }
  ASSERT_GT(outcomes_of("nmi").size(), 10u);
  bool nmi_in_handler = false;
  for (const InjectedFault* f : outcomes_of("nmi")) nmi_in_handler |= f->context.find("ring 0") != std::string::npos;
  EXPECT_TRUE(nmi_in_handler) << "some NMIs must land inside kernel code";
  const auto page_faults = outcomes_of("page-fault");
  ASSERT_FALSE(page_faults.empty());
  EXPECT_NE(page_faults[0]->outcome.find("served by the kernel"), std::string::npos) << page_faults[0]->outcome;
  EXPECT_NE(outcomes_of("timer-double").at(0)->outcome.find("ignored"), std::string::npos);
  EXPECT_FALSE(outcomes_of("timer-late").empty());
  EXPECT_NE(outcomes_of("level-device").at(0)->outcome.find("acknowledged by the driver"), std::string::npos);
  EXPECT_FALSE(outcomes_of("spurious").empty());
  EXPECT_FALSE(outcomes_of("same-vector").empty());
  const HandlerReport* spurious = find_handler(r, vectors::kSpurious);
  ASSERT_NE(spurious, nullptr);
  EXPECT_GT(spurious->count, 10u);
  // The JSON lists them too.
  EXPECT_EQ(to_json(r)["faults"].size(), r.faults.size());
  // The text summarises a long list by kind, one line each; --verbose lists all.
  ASSERT_GT(r.faults.size(), kFaultsListedInFull);
  const std::string summary = render_text(r);
  EXPECT_NE(summary.find(fmt::format("injected faults: {}, by kind (--verbose lists each)", r.faults.size())),
            std::string::npos) << summary;
  EXPECT_NE(summary.find(fmt::format("  nmi-swapgs-window {:>6}", window.size())), std::string::npos) << summary;
  const std::string all = render_text(r, {.verbose = true});
  const auto lines = [](const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); };
  EXPECT_GE(lines(all), r.faults.size()) << all;
  EXPECT_LT(lines(summary) + r.faults.size() - 20, lines(all)) << "the summary takes a line per kind, not per fault";
  // Kernel functions are named as written, not mangled.
  for (const InjectedFault& f : r.faults) EXPECT_EQ(f.symbol.find("_Z"), std::string::npos) << f.symbol;
}

}  // namespace
}  // namespace pristine::sim

namespace pristine::sim {
namespace {

TEST(KernelStackOverflow, DoubleFaultOnItsIstStackReportsIt) {
  const Report r = run(load_scenario(kScenarios / "kernel-stack-overflow.toml"));
  EXPECT_FALSE(r.pass()) << "a kernel fault is fatal";
  EXPECT_EQ(r.end, "guest exit 3");
  bool escalated = false;
  for (const Violation& v : r.violations) {
    escalated |= v.kind == "kernel-fault" && v.vector == vectors::kDoubleFault &&
                 v.symbol.find("overflow_kernel_stack") != std::string::npos;
  }
  EXPECT_TRUE(escalated) << "the #PF on the guard page escalates to #DF, named at the overflowing function";
  for (const Violation& v : r.violations) {
    if (v.kind == "kernel-fault") {
      EXPECT_EQ(v.symbol, "pristine::machine::overflow_kernel_stack") << v.symbol;
    }
  }
  EXPECT_NE(r.console.find("KERNEL EXCEPTION double-fault"), std::string::npos) << r.console;
  EXPECT_NE(r.console.find("kstack-overflow: kernel stack overflow"), std::string::npos) << r.console;
  EXPECT_NE(r.console.find("rsp="), std::string::npos) << "the register dump";
}

}  // namespace
}  // namespace pristine::sim

// ---- CPU time: every task's time up to the end of the run, and its share -------

namespace pristine::sim {
namespace {

const CpuReport& cpu_report(const Report& r, CpuId id) {
  for (const CpuReport& c : r.per_cpu) {
    if (c.id == id) return c;
  }
  throw std::runtime_error("no cpu " + std::to_string(id));
}

std::vector<Violation> violations_of(const Report& r, const std::string& kind) {
  std::vector<Violation> found;
  for (const Violation& v : r.violations) {
    if (v.kind == kind) found.push_back(v);
  }
  return found;
}

TEST(CpuTime, RunCyclesCountTheStintStillGoingWhenTheRunEnds) {
  // Two counters share one CPU; when the run ends one of them is in the
  // middle of a stint, which the kernel adds to run_cycles only when it ends.
  const Report r = run(load_scenario(kScenarios / "quiet.toml"));
  const CpuReport& cpu = cpu_report(r, 0);
  ASSERT_GT(cpu.first_task_at, 0u);
  // From its first task on, a CPU always runs a task (its idle task when
  // nothing else), so the stints add up to its time since then. The kernel's
  // first stint starts at its clock read in sched::start, a few hundred
  // cycles before that task's first block (first_task_at): that start path
  // is the whole tolerance, a missing stint is at least a tick (2 000 000).
  Cycles stints = 0;
  for (const TaskReport& t : r.tasks) stints += t.cpu == 0 ? t.run_cycles : 0;
  EXPECT_GE(stints, cpu.cycles - cpu.first_task_at);
  EXPECT_LE(stints, cpu.cycles - cpu.first_task_at + 1000);
  for (const TaskReport& t : r.tasks) {
    if (t.idle) continue;
    // What the simulator saw it run lies inside its stints; the rest of its
    // stints went to handlers.
    EXPECT_GT(t.own_cycles, 0u) << t.name;
    EXPECT_LE(t.own_cycles, t.run_cycles) << t.name;
    EXPECT_LE(t.run_cycles, t.own_cycles + cpu.handler_cycles) << t.name;
    // Always runnable from creation: it wanted the CPU the whole run.
    EXPECT_GE(t.demand_cycles, cpu.cycles - cpu.first_task_at) << t.name;
    EXPECT_NEAR(t.cpu_share, 0.5, 0.05) << t.name << ": two equal tasks";
  }
}

// The device storm's period is just above the cost of the device path, which
// changes with the kernel: measure the path on a short run and put the period
// 4 % above its worst case, so the counter gets about 4 % of its CPU whatever
// the path costs (with the shipped 518 cycles and today's ~500-cycle path, the
// same).
Scenario device_storm() {
  Scenario s = load_scenario(kScenarios / "device-storm.toml");
  Scenario probe = s;
  probe.duration = s.duration / 10;
  const Report measured = run(probe);
  const HandlerReport* device = nullptr;
  for (const HandlerReport& h : measured.handlers) {
    if (h.name == vectors::handler_name(s.sources.at(0).vector)) device = &h;
  }
  if (!device) throw std::runtime_error("the probe run took no device interrupt");
  s.sources[0].period = device->cycles_exclusive.max + device->cycles_exclusive.max / 25;
  return s;
}

TEST(CpuShare, DeviceStormStarvesTheCounterAndTheViolationNamesTheDevice) {
  const Scenario s = device_storm();
  const Report r = run(s);
  const TaskReport& counter = task_named(r, "counter");
  EXPECT_GT(counter.progress, 0u) << "the storm leaves it a little time";
  EXPECT_GT(counter.cpu_share, 0.01);
  EXPECT_LT(counter.cpu_share, 0.05);
  const auto starved = violations_of(r, "starved");
  ASSERT_EQ(starved.size(), 1u);
  const Violation& v = starved[0];
  EXPECT_NE(v.message.find("task counter:"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("of the time it was runnable"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("in handlers, most in device0 (vector 0x40"), std::string::npos) << v.message;
  EXPECT_EQ(v.vector, std::optional<Vector>(0x40));
  for (const Violation& other : r.violations) {
    EXPECT_EQ(other.kind, "starved") << other.message << ": every handler within budget, the counter progresses";
  }
  EXPECT_FALSE(r.pass());
  const auto json = to_json(r);
  EXPECT_EQ(json["verdict"], "fail");
  bool listed = false;
  for (const auto& t : json["tasks"]) {
    if (t["name"] != "counter") continue;
    listed = true;
    EXPECT_DOUBLE_EQ(t["cpu_share"].get<double>(), counter.cpu_share);
    EXPECT_EQ(t["own_cycles"].get<Cycles>(), counter.own_cycles);
    EXPECT_EQ(t["demand_cycles"].get<Cycles>(), counter.demand_cycles);
  }
  EXPECT_TRUE(listed);
  const std::string text = render_text(r);
  EXPECT_NE(text.find("VIOLATION starved: task counter:"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("{:.1f}%", counter.cpu_share * 100)), std::string::npos) << "the share column";
}

// The shipped example does what its comment says. Its period is tuned to the
// device path's cost: a change of that cost by more than a few % breaks this
// test, and the file must be retuned (the test above derives its own period).
TEST(CpuShare, TheShippedDeviceStormScenarioFailsAsStarved) {
  const Report r = run(load_scenario(kScenarios / "device-storm.toml"));
  const auto starved = violations_of(r, "starved");
  ASSERT_EQ(starved.size(), 1u) << "counter share " << task_named(r, "counter").cpu_share;
  EXPECT_NE(starved[0].message.find("most in device0"), std::string::npos) << starved[0].message;
  EXPECT_FALSE(r.pass());
}

TEST(CpuShare, AMinimumShareOfZeroTurnsTheCheckOff) {
  Scenario s = device_storm();
  s.min_cpu_share = 0;
  const Report r = run(s);
  EXPECT_LT(task_named(r, "counter").cpu_share, 0.05) << "the share is still reported";
  EXPECT_TRUE(violations_of(r, "starved").empty());
  EXPECT_TRUE(r.pass());
}

TEST(CpuShare, ATaskOutweighedByCompetingTasksIsStarvedAndTheyAreNamed) {
  // One priority-0 counter among five priority-3 ones gets one slice in 21,
  // under the scenario's minimum of 10 %; they get four each. No device at
  // all. (A slow clock keeps the run short: the slice is a 1 ms tick.)
  std::string text = R"(
[scenario]
name = "crowd"
cpu_mhz = 500
duration_ms = 50
[kernel]
tick_hz = 1000
[checks]
min_cpu_share = 0.1
[[task]]
name = "low"
program = "counter"
)";
  for (int i = 0; i < 5; ++i) text += fmt::format("[[task]]\nname = \"high{}\"\nprogram = \"counter\"\npriority = 3\n", i);
  const Report r = run(parse_scenario(text, "crowd.toml"));
  const auto starved = violations_of(r, "starved");
  ASSERT_EQ(starved.size(), 1u);
  EXPECT_NE(starved[0].message.find("task low:"), std::string::npos) << starved[0].message;
  EXPECT_NE(starved[0].message.find("minimum 10.0 %"), std::string::npos) << starved[0].message;
  EXPECT_NE(starved[0].message.find("the competing tasks took high"), std::string::npos) << starved[0].message;
  EXPECT_FALSE(starved[0].vector.has_value());
  EXPECT_LT(task_named(r, "low").cpu_share, 0.1);
  EXPECT_GT(task_named(r, "low").progress, 0u);
}

// The shipped scenarios without a storm: no task is starved, and every task's
// figures agree (its own time lies inside its stints).
class NoFalseStarvation : public ::testing::TestWithParam<const char*> {};

TEST_P(NoFalseStarvation, NoTaskIsStarved) {
  const Report r = run(load_scenario(kScenarios / GetParam()));
  for (const Violation& v : violations_of(r, "starved")) ADD_FAILURE() << v.message;
  for (const TaskReport& t : r.tasks) {
    // Its own time lies inside its stints, but for the end of each system
    // call that switched away from it (the kernel ends the stint at its clock
    // read in the switch, the simulator at the next task's first block): at
    // most one path, under the 1000-cycle ceiling, per stint.
    EXPECT_LE(t.own_cycles, t.run_cycles + 1000 * t.switches_in) << t.name;
    if (t.idle || (t.ticks == 0 && t.switches_in != 0) || t.demand_cycles == 0) continue;
    // As the starvation check (sim/end_of_run_checks.cpp): a task that ends
    // at least half its stints itself (a yielder, a parent waiting for its
    // children) wants less than it is offered; its share says nothing.
    if (t.switches_in != 0 && t.gave_up * 2 >= t.switches_in) continue;
    EXPECT_GE(t.cpu_share, 0.05) << t.name;
  }
}

constexpr const char* kCalmScenarios[] = {"quiet.toml",  "timer-storm.toml", "preempt.toml",    "ipi-storm.toml",
                                          "faults.toml", "smp-boot.toml",    "starvation.toml", "kernel-stack-overflow.toml",
                                          "syscalls.toml", "syscall-fuzz.toml", "uart-rx.toml", "irq-driver.toml", "sync.toml",
                                          "ipc.toml", "debug.toml", "memory.toml", "slots.toml",
                                          "nic-rx.toml", "devio.toml", "faults-system.toml"};

INSTANTIATE_TEST_SUITE_P(Shipped, NoFalseStarvation, ::testing::ValuesIn(kCalmScenarios),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(ShippedScenarios, AllButTheDeviceStormAreCheckedForFalseStarvation) {
  for (const auto& entry : std::filesystem::directory_iterator(kScenarios)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".toml" || file == "device-storm.toml") continue;
    EXPECT_NE(std::find(std::begin(kCalmScenarios), std::end(kCalmScenarios), file), std::end(kCalmScenarios))
        << file << ": add it to kCalmScenarios (or, if it starves a task on purpose, test that)";
  }
}

// ---- issue 13: verdicts count only what the run could observe ------------------

// Swarm seed 9364 (run longer, at a slower clock): a priority-1 pinger
// waits the whole turn of a counter of the same priority for every short
// stint, as the policy says, so its share of its runnable time is tiny. It
// was judged starved because a tick once found it running; it ends its
// stints itself (wait), so its waits are latency, bounded by max_wait_ticks.
//
// Whether a tick lands in one of t2's short stints depends on the exact boot
// timing, which moves whenever kernel code moves; so the same scenario runs
// under neighbouring seeds until one shows the situation, and every run must
// be judged without a false "starved".
TEST(Observable, ATaskThatEndsItsOwnStintsIsNotJudgedOnItsShare) {
  const std::string text = R"(
[scenario]
name = "pinger-behind-a-counter"
seed = SEED
cpus = 3
cpu_mhz = 100
duration_ms = 120
[kernel]
tick_hz = 2000
[[task]]
name = "counter"
program = "counter"
priority = 1
[[task]]
name = "t1"
program = "pinger"
priority = 1
cpu = 0
partner = "t2"
[[task]]
name = "t2"
program = "pinger"
priority = 1
cpu = 1
partner = "t1"
[[task]]
name = "t3"
program = "pinger"
priority = 3
cpu = 0
partner = "t4"
[[task]]
name = "t4"
program = "pinger"
priority = 3
cpu = 2
partner = "t3"
[[source]]
name = "s0"
kind = "bursty"
vector = 0x47
cpu = 0
burst = 4
burst_period_us = 1851
spacing_ns = 3392
[[fault]]
kind = "timer-double"
mean_us = 2089
)";
  bool seen = false;
  for (unsigned seed = 9376; seed < 9440 && !seen; ++seed) {
    std::string s = text;
    s.replace(s.find("SEED"), 4, std::to_string(seed));
    const Report r = run(parse_scenario(s, "pinger-behind-a-counter.toml"));
    EXPECT_TRUE(violations_of(r, "starved").empty()) << "seed " << seed << "\n" << to_json(r).dump(2);
    EXPECT_TRUE(r.pass()) << "seed " << seed;
    const TaskReport& t2 = task_named(r, "t2");
    // The situation the check used to misjudge: a tick found it running,
    // its share is tiny, it ran far longer than two scheduling rounds and
    // ended its stints itself.
    seen = t2.cpu_share < 0.05 && t2.ticks > 0 && t2.demand_cycles > 10'000'000u && t2.gave_up * 2 >= t2.switches_in;
  }
  EXPECT_TRUE(seen) << "no seed reproduced a self-ending task that a tick found running";
}

// Swarm seed 5064: a syscall-check of priority 0 pinned behind two tasks of
// priority 3 (4 ms turns each) has its first turn 8 ms into a 12 ms run and
// yields it away; its count goes up when the yield returns, a round later.
// Progress is judged only once the run lasted two scheduling rounds.
TEST(Observable, ProgressIsJudgedOnlyAfterTwoSchedulingRounds) {
  const std::string text = R"(
[scenario]
name = "short-for-its-rounds"
cpus = 2
cpu_mhz = 350
duration_ms = DURATION
[kernel]
tick_hz = 10000
[[task]]
name = "t0"
program = "counter"
priority = 3
[[task]]
name = "t1"
program = "kernel-counter"
priority = 3
cpu = 0
[[task]]
name = "t2"
program = "syscall-check"
priority = 0
cpu = 0
)";
  const auto with = [&](const char* ms) {
    std::string s = text;
    s.replace(s.find("DURATION"), 8, ms);
    return run(parse_scenario(s, "short-for-its-rounds.toml"));
  };
  const Report short_run = with("12");
  EXPECT_EQ(task_named(short_run, "t2").progress, 0u);
  EXPECT_TRUE(violations_of(short_run, "no-progress").empty()) << to_json(short_run).dump(2);
  EXPECT_TRUE(violations_of(short_run, "starved").empty());
  const Report long_run = with("40");
  EXPECT_GT(task_named(long_run, "t2").progress, 0u) << "given its rounds, it advances";
  EXPECT_TRUE(long_run.pass()) << to_json(long_run).dump(2);
}

// Today: ticks are expected from time 0 on a CPU that never armed its tick,
// so a run shorter than boot fails as tick-starved (and every counter as
// no-progress) although nothing went wrong. Now it is reported as what it is.
TEST(Observable, ARunShorterThanBootIsReportedAsSuchNotAsStarvation) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "shorter-than-boot"
duration_us = 200
[kernel]
tick_hz = 20000
[[task]]
name = "c"
program = "counter"
)",
                                      "short.toml"));
  EXPECT_EQ(r.end, "duration");
  EXPECT_TRUE(violations_of(r, "tick-starved").empty()) << to_json(r).dump(2);
  EXPECT_TRUE(violations_of(r, "no-progress").empty());
  const auto unfinished = violations_of(r, "boot-unfinished");
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_NE(unfinished[0].message.find("before the kernel had armed its tick or run a task on CPU 0"),
            std::string::npos)
      << unfinished[0].message;
  EXPECT_EQ(r.expected_ticks, 0u);
  EXPECT_FALSE(r.pass()) << "a run that judged nothing does not pass";
}

// Today: the ticks an injected late timer withheld are still expected, so a
// legal timer-late fault fails the run as tick-starved.
TEST(Observable, TicksWithheldByAnInjectedLateTimerAreNotExpected) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "late"
duration_ms = 10
[kernel]
tick_hz = 10000
[[task]]
name = "c"
program = "counter"
[[fault]]
kind = "timer-late"
rate_hz = 2000
count = 1
late_us = 3000
)",
                                      "late.toml"));
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  EXPECT_TRUE(r.pass());
  EXPECT_LT(r.expected_ticks, 80u) << "about 30 of the ~95 periods were withheld";
  EXPECT_GE(r.ticks * 10, r.expected_ticks * 9);
}

// Today: the fault list says "timer raised N cycles after its deadline" for
// a late tick due after the run ended: it never happened.
TEST(Observable, ALateTickDueAfterTheEndIsReportedAsNeverRaised) {
  const Report r = run(parse_scenario(R"(
[scenario]
name = "late-past-the-end"
duration_ms = 10
[kernel]
tick_hz = 10000
[[task]]
name = "c"
program = "counter"
[[fault]]
kind = "timer-late"
rate_hz = 2000
count = 1
late_us = 9900
)",
                                      "late.toml"));
  ASSERT_EQ(r.faults.size(), 1u);
  EXPECT_EQ(r.faults[0].kind, "timer-late");
  EXPECT_NE(r.faults[0].outcome.find("after the run ended"), std::string::npos) << r.faults[0].outcome;
  EXPECT_NE(r.faults[0].outcome.find("never raised"), std::string::npos) << r.faults[0].outcome;
  EXPECT_TRUE(violations_of(r, "tick-starved").empty()) << "the withheld ticks are not expected";
}

// Today: a start near 2^64 wraps on the first gap and the source fires all
// through the run. Built past the parser (which now refuses it) to test the
// arithmetic itself.
TEST(Observable, ASourceStartingNearTheEndOf64BitsNeverFires) {
  Scenario s = parse_scenario("[scenario]\nname = \"far\"\nduration_ms = 2\n", "far.toml");
  s.sources.push_back({.name = "far", .kind = SourceKind::Poisson, .vector = 0x41, .start = UINT64_MAX - 1616,
                       .period = 10000});
  s.sources.push_back({.name = "far-periodic", .kind = SourceKind::Periodic, .vector = 0x42,
                       .start = UINT64_MAX - 1616, .period = 10000});
  const Report r = run(s);
  EXPECT_EQ(find_handler(r, 0x41), nullptr) << "device1 fired";
  EXPECT_EQ(find_handler(r, 0x42), nullptr) << "device2 fired";
}

}  // namespace
}  // namespace pristine::sim

namespace pristine::sim {
namespace {

// Two tasks that keep values in xmm0 and st(0) share a CPU with a counter
// that never touches the FPU (docs/fpu.md).
Scenario fpu_sharing() {
  return parse_scenario(R"(
[scenario]
name = "fpu-sharing"
duration_ms = 20
[kernel]
tick_hz = 10000
[[task]]
name = "fpu-a"
program = "fpu-checker"
cpu = 0
[[task]]
name = "fpu-b"
program = "fpu-checker"
cpu = 0
[[task]]
name = "counter"
program = "counter"
cpu = 0
)",
                        "fpu-sharing.toml");
}

TEST(LazyFpu, EachTaskKeepsItsOwnRegistersAcrossSwitches) {
  const Report r = run(fpu_sharing());
  // The context checker compares each task's FPU registers whenever it has
  // them loaded (sim/x86_64/user_context.h). Budgets are not judged here: a
  // switch away from an FPU user costs more than the gate (docs/fpu.md).
  for (const Violation& v : r.violations) {
    if (v.kind != "budget") ADD_FAILURE() << v.kind << ": " << v.message;
  }
  for (const char* name : {"fpu-a", "fpu-b"}) {
    const TaskReport& t = task_named(r, name);
    EXPECT_TRUE(t.alive) << name << " saw a changed register (exit code " << t.exit_code << ")";
    EXPECT_GT(t.switches_in, 5u) << name;
  }
  // Only the FPU users trap: once per stint (the first stint starts with the
  // state loaded by no one, so it traps too).
  const HandlerReport* nm = find_handler(r, vectors::kDeviceNotAvailable);
  ASSERT_NE(nm, nullptr) << "the FPU users' first instruction after each switch-in traps";
  const std::uint64_t fpu_stints = task_named(r, "fpu-a").switches_in + task_named(r, "fpu-b").switches_in;
  EXPECT_LE(nm->count, fpu_stints);
  EXPECT_GE(nm->count + 2, fpu_stints);
}

TEST(LazyFpu, TasksThatNeverUseTheFpuNeverTrap) {
  const Report r = run(load_scenario(kScenarios / "quiet.toml"));
  EXPECT_EQ(find_handler(r, vectors::kDeviceNotAvailable), nullptr);
}

TEST(LazyFpu, ASwitchThatDoesNotSaveTheStateIsCaught) {
  const Report r = Simulator(fpu_sharing(), PRISTINE_BUILD_DIR "/images/sim-kernel-broken-fpu-no-save.elf").run();
  const bool lost = !task_named(r, "fpu-a").alive || !task_named(r, "fpu-b").alive;
  EXPECT_TRUE(lost) << "an fpu-checker sees the clean registers the switch left";
  EXPECT_FALSE(violations_of(r, "register-clobbered").empty()) << "and the context checker names it";
}

}  // namespace
}  // namespace pristine::sim
