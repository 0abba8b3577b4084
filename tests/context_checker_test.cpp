// The simulator's invariant checks catch a kernel broken on purpose: each
// sim-kernel-broken-*.elf is the real image with one instruction patched, or
// with work added at one hook point (kernel-image/CMakeLists.txt).
#include <gtest/gtest.h>

#include "sim/simulator.h"

namespace pristine::sim {
namespace {

std::filesystem::path image(const std::string& name) {
  return std::filesystem::path(PRISTINE_BUILD_DIR "/images") / (name + ".elf");
}

// Three ring-3 tasks (two CPU-bound, one making syscalls) under a 10 kHz tick
// and a device storm: every entry and return path is exercised.
Scenario busy_machine() {
  Scenario s;
  s.file = "busy-machine";
  s.name = "busy-machine";
  s.duration = 16'000'000;
  s.tick_hz = 10000;
  s.max_wait_ticks = 40;  // four tasks with 10-tick turns: at most 30 ticks of waiting
  s.tasks = {{"counter-a", UserProgram::Counter, 0, 0},
             {"counter-b", UserProgram::Counter, 0, 0},
             {"check", UserProgram::SyscallCheck, 0, 0},
             {"kcounter", UserProgram::KernelCounter, 0, 0}};
  SourceSpec nic;
  nic.name = "nic";
  nic.kind = SourceKind::Periodic;
  nic.vector = 0x41;
  nic.period = 30000;
  s.sources = {nic};
  // Injected faults that exercise the NMI window, spurious vectors and a
  // level-triggered line.
  s.faults = {FaultSpec{.kind = FaultKind::NmiSwapgsWindow, .mean = 400000, .count = 5},
              FaultSpec{.kind = FaultKind::Spurious, .mean = 500000},
              FaultSpec{.kind = FaultKind::LevelDevice, .mean = 700000, .vector = 0x43}};
  return s;
}

std::vector<Violation> violations_of(const std::string& kind, const Report& r) {
  std::vector<Violation> found;
  for (const Violation& v : r.violations) {
    if (v.kind == kind) found.push_back(v);
  }
  return found;
}

TEST(ContextChecker, TheRealKernelViolatesNothing) {
  const Report r = Simulator(busy_machine(), image("sim-kernel")).run();
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  EXPECT_TRUE(r.pass());
}

TEST(ContextChecker, CatchesARegisterClobberedOnTheReturnToRing3) {
  const Report r = Simulator(busy_machine(), image("sim-kernel-broken-clobber-register")).run();
  const auto found = violations_of("register-clobbered", r);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].message.find("r13"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("task "), std::string::npos) << "names the task";
  EXPECT_NE(found[0].message.find("after "), std::string::npos) << "names the path";
  EXPECT_NE(found[0].symbol.find("user_"), std::string::npos) << "names where ring 3 resumed";
  EXPECT_FALSE(r.pass());
}

TEST(ContextChecker, CatchesAStarvedTask) {
  const Report r = Simulator(busy_machine(), image("sim-kernel-broken-starve")).run();
  const auto found = violations_of("starved", r);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].message.find("counter-b"), std::string::npos) << found[0].message;
  EXPECT_FALSE(r.pass());
}

TEST(ContextChecker, CatchesAKernelThreadResumedWithAShiftedRsp) {
  const Report r = Simulator(busy_machine(), image("sim-kernel-broken-kernel-rsp")).run();
  const auto found = violations_of("rsp-unbalanced", r);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].message.find("interrupted at rsp"), std::string::npos) << found[0].message;
  EXPECT_FALSE(r.pass());
}

TEST(ContextChecker, KernelThreadIsPreemptedAndResumedAndProgresses) {
  const Report r = Simulator(busy_machine(), image("sim-kernel")).run();
  bool found = false;
  for (const TaskReport& t : r.tasks) {
    if (t.name != "kcounter") continue;
    found = true;
    EXPECT_FALSE(t.user);
    EXPECT_GT(t.progress, 0u);
    EXPECT_GT(t.switches_in, 1u) << "preempted and resumed";
  }
  EXPECT_TRUE(found);
}

// Each broken image must produce the named violation (and so a failed run).
struct Breakage {
  const char* image;
  const char* violation;
};

class BrokenHandler : public ::testing::TestWithParam<Breakage> {};

TEST_P(BrokenHandler, IsCaughtWithItsViolation) {
  const Breakage& b = GetParam();
  const Report r = Simulator(busy_machine(), image(b.image)).run();
  const auto found = violations_of(b.violation, r);
  ASSERT_FALSE(found.empty()) << b.image;
  EXPECT_FALSE(found[0].symbol.empty()) << "the violation names where it happened";
  EXPECT_FALSE(r.pass());
}

INSTANTIATE_TEST_SUITE_P(
    Invariants, BrokenHandler,
    ::testing::Values(Breakage{"sim-kernel-broken-double-eoi", "double-eoi"},
                      Breakage{"sim-kernel-broken-missing-eoi", "missing-eoi"},
                      Breakage{"sim-kernel-broken-no-swapgs-entry", "gs-base-kernel"},
                      Breakage{"sim-kernel-broken-syscall-user-stack", "user-stack"},
                      Breakage{"sim-kernel-broken-exception-cs-check", "gs-base-kernel"},
                      Breakage{"sim-kernel-broken-spurious-eoi", "eoi-for-spurious"},
                      Breakage{"sim-kernel-broken-no-device-ack", "interrupt-storm"}),
    [](const ::testing::TestParamInfo<Breakage>& info) {
      std::string name = std::string(info.param.image).substr(std::string("sim-kernel-broken-").size());
      for (char& ch : name) ch = ch == '-' ? '_' : ch;
      return name;
    });

TEST(ContextChecker, CatchesAFailedSystemCallReturnedWithoutTheCarryFlag) {
  // syscall-check makes calls that fail: each must come back with CF set.
  const Report r = Simulator(busy_machine(), image("sim-kernel-broken-syscall-no-error-flag")).run();
  const auto found = violations_of("register-clobbered", r);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].message.find("rflags.cf 0"), std::string::npos) << found[0].message;
  EXPECT_FALSE(r.pass());
}

TEST(ContextChecker, CatchesTheKernelGsBaseLeakingIntoRing3) {
  const Report r = Simulator(busy_machine(), image("sim-kernel-broken-no-swapgs-exit")).run();
  ASSERT_FALSE(violations_of("gs-base", r).empty());
  EXPECT_FALSE(r.pass());
}

}  // namespace
}  // namespace pristine::sim
