// `pristine sim` on AArch64: the run loop drives the AArch64 engine
// (sim/aarch64/run_steps.cpp) with the shipped scenarios, every invariant
// of the run loop watching, and the report is the x86-64 one's, with
// AArch64's names. The shipped scenarios still take a few paths over the
// 1000-cycle budget on AArch64 (4 KiB copies: docs/aarch64.md, "The hard
// gate"), so these tests judge everything but `budget`; the gate's own hot
// paths are judged by `pristine budget --arch aarch64` (budget_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>

#include "sim/simulation.h"
#include "sim/vector_names.h"

namespace pristine::sim {
namespace {

constexpr const char* kImage = PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel.elf";

Scenario aarch64_scenario(const char* name) {
  Scenario s = load_scenario(std::string(PRISTINE_SOURCE_DIR "/scenarios/") + name);
  s.arch = GuestArchitecture::Aarch64;
  return s;
}

Report run(const Scenario& s) { return make_simulation(s, kImage)->run(); }

// Every violation but the budget's, as text for a failure message.
std::string violations_but_budget(const Report& r) {
  std::string text;
  for (const Violation& v : r.violations) {
    if (v.kind != "budget") text += v.kind + ": " + v.message + "\n";
  }
  return text;
}

// The first violation of `kind`, or null.
const Violation* find_violation(const Report& r, const std::string& kind) {
  const auto it = std::find_if(r.violations.begin(), r.violations.end(), [&](const Violation& v) { return v.kind == kind; });
  return it == r.violations.end() ? nullptr : &*it;
}

const TaskReport& task(const Report& r, const std::string& name) {
  const auto it = std::find_if(r.tasks.begin(), r.tasks.end(), [&](const TaskReport& t) { return t.name == name; });
  EXPECT_NE(it, r.tasks.end()) << name;
  return *it;
}

TEST(Aarch64Sim, PreemptRunsToItsEndWithEveryInvariantHeld) {
  const Report r = run(aarch64_scenario("preempt.toml"));
  EXPECT_EQ(r.arch, GuestArchitecture::Aarch64);
  EXPECT_EQ(r.end, "duration");
  EXPECT_EQ(violations_but_budget(r), "");
  EXPECT_EQ(r.ticks, r.expected_ticks);
  // Priority 1 gets about twice priority 0's share; the sleeper wakes on time.
  const double low = task(r, "low-a").cpu_share + task(r, "low-b").cpu_share;
  const double high = task(r, "high-a").cpu_share + task(r, "high-b").cpu_share;
  EXPECT_NEAR(high / low, 2.0, 0.25);
  EXPECT_GE(task(r, "sleeper").wakeups, 40u);
  // The paths are AArch64's: its exceptions by their own names.
  const bool abort_measured = std::any_of(r.handlers.begin(), r.handlers.end(),
                                          [](const HandlerReport& h) { return h.name == "data-abort"; });
  EXPECT_TRUE(abort_measured) << "the EL0 stacks fault in: data aborts, not page faults";
  for (const char* path : {"timer", "timer+switch", "syscall/sleep+switch", "syscall/getpid"}) {
    EXPECT_TRUE(std::any_of(r.handlers.begin(), r.handlers.end(), [&](const HandlerReport& h) { return h.name == path; }))
        << path;
  }
}

TEST(Aarch64Sim, SameScenarioSameSeedSameReport) {
  const Scenario s = aarch64_scenario("timer-storm.toml");
  EXPECT_EQ(to_json(run(s)).dump(), to_json(run(s)).dump());
}

// A higher interrupt that arrives between the IRQ's entry and the handler's
// acknowledge is the one the handler takes (the board's ACKNOWLEDGE hands
// out the highest pending when read): the IPIs are accounted at the
// acknowledge, so none is taken twice or lost on four CPUs under an IPI
// storm; and its shootdowns reach the TLB model through `tlbi`.
TEST(Aarch64Sim, IpisAreTakenAtTheAcknowledgeOnFourCpus) {
  Scenario s = aarch64_scenario("ipi-storm.toml");
  s.duration = s.duration / 2;
  const Report r = run(s);
  EXPECT_EQ(r.end, "duration");
  EXPECT_EQ(violations_but_budget(r), "");
  EXPECT_GT(r.ipis.sent, 1000u);
  EXPECT_EQ(r.ipis.handled + r.ipis.in_flight, r.ipis.sent);
  EXPECT_LE(r.ipis.in_flight, 4u * 3u) << "at most one send per vector in flight on each CPU at the end";
  // The TLB model sees AArch64's `tlbi` (sim/aarch64/tlbi_hooks.h): pages
  // unmapped while other CPUs ran, and the stale translations their
  // shootdowns flushed, none left behind (no shootdown-incomplete above).
  EXPECT_GT(r.ipis.shootdowns, 100u);
  EXPECT_GT(r.ipis.flushes, 100u);
}

TEST(Aarch64Sim, SecondaryCpusStartAtTheirPhysicalEntryAndRunTasks) {
  const Report r = run(aarch64_scenario("smp-boot.toml"));
  EXPECT_EQ(violations_but_budget(r), "");
  ASSERT_EQ(r.per_cpu.size(), 4u);
  for (const CpuReport& c : r.per_cpu) EXPECT_EQ(c.ticks, c.expected_ticks) << "cpu " << c.id;
}

// Unicorn 2.1.1 never traps FP/SIMD (its fp_exception_el is 0): the run
// loop takes CPACR_EL1's trap itself, at the trapping instruction after the
// ones before it in its block ran, so core/'s lazy FP/SIMD switch works:
// two checkers that each keep their own d0, v31 and FPCR on one CPU (they
// exit 1 on a change) keep running, each switch-in trapping once.
TEST(Aarch64Sim, FpSimdTrapsLazilyAndEachTaskKeepsItsOwnState) {
  Scenario s = load_scenario(std::string(PRISTINE_SOURCE_DIR "/scenarios/quiet.toml"));
  s.arch = GuestArchitecture::Aarch64;
  s.tick_hz = 10000;
  s.tasks.clear();
  for (const char* name : {"fpu-a", "fpu-b"}) s.tasks.push_back(TaskSpec{.name = name, .program = UserProgram::FpuChecker});
  s.tasks.push_back(TaskSpec{.name = "yielder", .program = UserProgram::Yielder});
  const Report r = run(s);
  EXPECT_EQ(violations_but_budget(r), "");
  for (const char* name : {"fpu-a", "fpu-b"}) {
    EXPECT_TRUE(task(r, name).alive) << name << " exited: its FP/SIMD state changed";
    EXPECT_GT(task(r, name).switches_in, 3u) << name;
  }
  const auto trap = std::find_if(r.handlers.begin(), r.handlers.end(),
                                 [](const HandlerReport& h) { return h.name == "fp-access"; });
  ASSERT_NE(trap, r.handlers.end());
  EXPECT_GE(trap->count, 6u);
}

// The fault injector's kinds that are not x86's own (its NMIs: a scenario
// whose arch is aarch64 refuses them, tests/scenario_input_test.cpp) on
// AArch64: the spurious one is GICv3's spurious INTID (the acknowledge reads
// 1023 and the handler writes no EOI), a page taken away is a translation
// fault the kernel serves, a late, doubled or repeated interrupt and a
// level line are handled as on the PC.
TEST(Aarch64Sim, InjectedFaultsAreHandledAsOnThePc) {
  Scenario s = load_scenario(std::string(PRISTINE_SOURCE_DIR "/scenarios/faults.toml"));
  s.arch = GuestArchitecture::Aarch64;
  std::erase_if(s.faults, [](const FaultSpec& f) { return f.kind == FaultKind::Nmi || f.kind == FaultKind::NmiSwapgsWindow; });
  const Report r = run(s);
  EXPECT_EQ(violations_but_budget(r), "");
  std::set<std::string> kinds;
  for (const InjectedFault& f : r.faults) {
    kinds.insert(f.kind);
    EXPECT_NE(f.outcome, "pending") << f.kind << ": its outcome never came";
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"spurious", "same-vector", "timer-double", "timer-late", "page-fault",
                                           "level-device"}));
  for (const InjectedFault& f : r.faults) {
    if (f.kind == "page-fault") {
      EXPECT_EQ(f.outcome.find("data abort served by the kernel"), 0u) << f.outcome;
    }
  }
  const auto spurious = std::find_if(r.handlers.begin(), r.handlers.end(),
                                     [](const HandlerReport& h) { return h.name == "spurious"; });
  ASSERT_NE(spurious, r.handlers.end());
  EXPECT_GT(spurious->count, 0u);

  // The same faults on a kernel that writes an EOI for the spurious INTID.
  const Report broken =
      make_simulation(s, PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel-broken-spurious-eoi.elf")->run();
  const Violation* found = find_violation(broken, "eoi-for-spurious");
  ASSERT_NE(found, nullptr) << violations_but_budget(broken);
  EXPECT_FALSE(broken.pass());
}

// Each invariant that the AArch64 run proves has a broken AArch64 image
// that breaks it (kernel-image/CMakeLists.txt patches aarch64-sim-kernel.elf
// at a checked site): the check must catch it, naming where.
struct Breakage {
  const char* image;
  const char* violation;
  const char* message;  // what the violation's message names
};

class Aarch64BrokenImage : public ::testing::TestWithParam<Breakage> {};

TEST_P(Aarch64BrokenImage, IsCaughtWithItsViolation) {
  const Breakage& b = GetParam();
  // preempt's tasks and a kernel thread: EL0 and EL1 contexts interrupted.
  Scenario s = aarch64_scenario("preempt.toml");
  s.duration = s.duration / 4;
  s.tasks.push_back(TaskSpec{.name = "kcounter", .program = UserProgram::KernelCounter});
  const Report r = make_simulation(s, std::string(PRISTINE_BUILD_DIR "/images/") + b.image + ".elf")->run();
  const Violation* found = find_violation(r, b.violation);
  ASSERT_NE(found, nullptr) << b.image << "\n" << violations_but_budget(r);
  EXPECT_FALSE(found->symbol.empty()) << "the violation names where it happened";
  EXPECT_NE(found->message.find(b.message), std::string::npos) << found->message;
  EXPECT_FALSE(r.pass());
}

INSTANTIATE_TEST_SUITE_P(
    Invariants, Aarch64BrokenImage,
    ::testing::Values(Breakage{"aarch64-sim-kernel-broken-clobber-register", "register-clobbered", " x1 "},
                      Breakage{"aarch64-sim-kernel-broken-unbalanced-sp", "rsp-unbalanced", "EL1 context resumed"},
                      Breakage{"aarch64-sim-kernel-broken-missing-eoi", "missing-eoi", "wrote 0 EOI(s), expected 1"}),
    [](const ::testing::TestParamInfo<Breakage>& info) {
      std::string name = std::string(info.param.image).substr(std::string("aarch64-sim-kernel-broken-").size());
      for (char& ch : name) ch = ch == '-' ? '_' : ch;
      return name;
    });

// The TLB model on AArch64 catches an initiator that unmaps and goes on
// without waiting for the other CPUs' flushes.
TEST(Aarch64Sim, AnInitiatorThatDoesNotWaitForTheShootdownIsCaught) {
  Scenario s = aarch64_scenario("ipi-storm.toml");
  s.duration = 2'000'000;
  const Report r =
      make_simulation(s, PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel-broken-shootdown-no-wait.elf")->run();
  const Violation* found = find_violation(r, "shootdown-incomplete");
  ASSERT_NE(found, nullptr) << violations_but_budget(r);
  EXPECT_NE(found->message.find("unmap"), std::string::npos) << found->message;
  EXPECT_FALSE(r.pass());
}

// A reused slot's first task runs through its last occupant's translations
// when the switch skips the ASID flush (the patched `tlbi aside1`): the
// engine's own TLB hides it (QEMU flushes on every ASID change), the
// model of what the CPU holds per ASID does not; the shipped kernel, which
// flushes, runs the same churn clean.
TEST(Aarch64Sim, ASwitchThatKeepsAReusedSlotsTranslationsIsCaught) {
  Scenario s = aarch64_scenario("slots.toml");
  s.duration = 10'000'000;  // 5 ms: hundreds of slot reuses
  const Report broken =
      make_simulation(s, PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel-broken-no-asid-flush.elf")->run();
  const Violation* found = find_violation(broken, "stale-translation");
  ASSERT_NE(found, nullptr) << violations_but_budget(broken);
  EXPECT_NE(found->message.find("no longer map"), std::string::npos) << found->message;
  EXPECT_FALSE(broken.pass());

  const Report shipped = run(s);
  EXPECT_EQ(violations_but_budget(shipped), "");
  EXPECT_GT(task(shipped, "yielder").progress, 0u);
}

// A wake's IPI sent past its task's home CPU (the patched `add w0, w3, #1`)
// is an IPI the board cannot deliver: from the last of four CPUs it names a
// fifth, and the interconnect reports each such send.
TEST(Aarch64Sim, AnIpiToACpuThatDoesNotExistIsCaught) {
  Scenario s = aarch64_scenario("ipi-storm.toml");
  s.duration = 2'000'000;
  const Report r =
      make_simulation(s, PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel-broken-ipi-past-home.elf")->run();
  const Violation* found = find_violation(r, "ipi-bad-target");
  ASSERT_NE(found, nullptr) << violations_but_budget(r);
  EXPECT_NE(found->message.find("ipi-reschedule to CPU 4"), std::string::npos) << found->message;
  EXPECT_FALSE(r.pass());
}

// A turn that never ends (on_tick's branch past the switch made
// unconditional) keeps the first task on the CPU: every other task of
// preempt.toml is reported starved, by name.
TEST(Aarch64Sim, ATurnThatNeverEndsStarvesTheOthers) {
  const Report r = make_simulation(aarch64_scenario("preempt.toml"),
                                   PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel-broken-starve.elf")
                       ->run();
  std::set<std::string> starved;
  for (const Violation& v : r.violations) {
    if (v.kind == "starved") starved.insert(v.message.substr(0, v.message.find(':')));
  }
  EXPECT_EQ(starved, (std::set<std::string>{"task low-b", "task high-a", "task high-b", "task sleeper", "task checker"}))
      << violations_but_budget(r);
  EXPECT_FALSE(r.pass());
}

// Every shipped scenario that makes sense on both architectures runs on
// AArch64 with every invariant held. Left out: device-storm.toml and
// kernel-stack-overflow.toml fail on purpose (a starved counter, a kernel
// stack overflow), and faults.toml names x86-64's NMIs (its other faults:
// InjectedFaultsAreHandledAsOnThePc). The budget is held but for the paths
// docs/aarch64.md lists as over on AArch64 ("The hard gate"): 4 KiB copies,
// which no copy loop fits under 1000 cycles on the modeled core, and three
// paths a few cycles over in the storms. A path newly over fails here.
constexpr const char* kOnBoth[] = {"quiet.toml",     "timer-storm.toml", "preempt.toml",      "ipi-storm.toml",
                                   "smp-boot.toml",  "starvation.toml",  "syscalls.toml",     "syscall-fuzz.toml",
                                   "uart-rx.toml",   "irq-driver.toml",  "sync.toml",         "ipc.toml",
                                   "debug.toml",     "memory.toml",      "slots.toml",        "nic-rx.toml",
                                   "devio.toml",     "faults-system.toml"};

class Aarch64Shipped : public ::testing::TestWithParam<const char*> {};

TEST_P(Aarch64Shipped, RunsWithEveryInvariantHeld) {
  const Report r = run(aarch64_scenario(GetParam()));
  EXPECT_EQ(violations_but_budget(r), "");
  EXPECT_NE(r.end, "kernel-fault");
  const std::set<std::string> known_over = {"syscall/read", "syscall/fd_write", "syscall/channel_receive+switch",
                                            "timer+switch", "syscall/unmap+switch"};
  for (const HandlerReport& h : r.handlers) {
    if (!h.within_budget()) {
      EXPECT_TRUE(known_over.contains(h.name)) << h.name << " " << h.cycles_exclusive.max;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, Aarch64Shipped, ::testing::ValuesIn(kOnBoth),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = std::string(info.param).substr(0, std::string(info.param).find('.'));
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(Aarch64Shipped, EveryShippedScenarioIsRunOrLeftOutForAReason) {
  std::set<std::string> covered = {"device-storm.toml", "kernel-stack-overflow.toml", "faults.toml"};
  covered.insert(std::begin(kOnBoth), std::end(kOnBoth));
  for (const auto& entry : std::filesystem::directory_iterator(PRISTINE_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_TRUE(covered.contains(entry.path().filename().string()))
        << entry.path().filename() << ": run it on AArch64 too (Aarch64Shipped), or say why not";
  }
}

}  // namespace
}  // namespace pristine::sim
