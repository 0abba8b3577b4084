// The pristine-path rules (seed 000, docs/pristine-rules.md), enforced by the
// simulator while a CPU is in a hot path and by the static call-graph check on
// the linked image. Each rule is broken on purpose by an image and must be
// caught with its evidence; the case study of seed 000 (logging on the return
// to ring 3) must starve ring 3 and fail, and pass without the logging.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "core/interrupt/vectors.h"
#include "tests/run_command.h"
#include "sim/simulator.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImages = PRISTINE_BUILD_DIR "/images";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

std::vector<Violation> of_kind(const Report& r, const std::string& kind) {
  std::vector<Violation> found;
  for (const Violation& v : r.violations) {
    if (v.kind == kind) found.push_back(v);
  }
  return found;
}

bool chain_has(const Violation& v, const std::string& function) {
  for (const std::string& frame : v.call_chain) {
    if (frame.find(function) != std::string::npos) return true;
  }
  return false;
}

const TaskReport& task(const Report& r, const std::string& name) {
  for (const TaskReport& t : r.tasks) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no task " + name);
}

TEST(Starvation, WithoutLoggingTheRing3TaskProgressesAndTheRunPasses) {
  const Report r = Simulator(load_scenario(kScenarios / "starvation.toml"), kImages / "sim-kernel.elf").run();
  EXPECT_TRUE(r.pass());
  EXPECT_TRUE(r.violations.empty());
  EXPECT_GT(task(r, "user").progress, 10'000'000u);
}

TEST(Starvation, LoggingTheFrameOnTheReturnToRing3StarvesRing3AndIsCaught) {
  const Report r = Simulator(load_scenario(kScenarios / "starvation.toml"), kImages / "sim-kernel-broken-log-iret.elf").run();
  EXPECT_FALSE(r.pass());
  EXPECT_EQ(task(r, "user").progress, 0u) << "not one instruction of ring 3, as in seed 000";
  EXPECT_FALSE(of_kind(r, "no-progress").empty());
  const auto output = of_kind(r, "console-output");
  ASSERT_FALSE(output.empty());
  bool traced = false;
  for (const Violation& v : output) {
    EXPECT_EQ(v.path, "timer");
    EXPECT_EQ(v.vector, vectors::kTimer);
    EXPECT_FALSE(v.file.empty());
    EXPECT_GT(v.line, 0);
    EXPECT_TRUE(chain_has(v, "x86_interrupt_dispatch")) << v.message;
    EXPECT_GE(v.cost_cycles.value_or(0), 10'000u) << "at least one UART character";
    traced |= chain_has(v, "trace_iretq_to_ring3") || chain_has(v, "dump_frame");
  }
  EXPECT_TRUE(traced) << "the chain shows the logging on the return path";
}

// Each rule of seed 000, broken in the timer tick by one image.
struct Breakage {
  const char* image;
  const char* kind;
  const char* innermost;  // the function the chain starts in
};

class BrokenRule : public ::testing::TestWithParam<Breakage> {};

TEST_P(BrokenRule, IsCaughtOncePerSiteWithItsCallChainAndSource) {
  const Breakage& b = GetParam();
  const Report r = Simulator(load_scenario(kScenarios / "quiet.toml"), kImages / b.image).run();
  EXPECT_FALSE(r.pass());
  const auto found = of_kind(r, b.kind);
  ASSERT_EQ(found.size(), 1u) << "one site, however often it ran";
  const Violation& v = found.front();
  EXPECT_GT(v.count, 1u) << "every tick hits it";
  EXPECT_EQ(v.path, "timer");
  EXPECT_EQ(v.vector, vectors::kTimer);
  EXPECT_NE(v.symbol.find(b.innermost), std::string::npos) << v.symbol;
  EXPECT_NE(v.file.find(".cpp"), std::string::npos) << v.file;
  EXPECT_GT(v.line, 0);
  ASSERT_GE(v.call_chain.size(), 3u);
  EXPECT_NE(v.call_chain[0].find(b.innermost), std::string::npos) << v.call_chain[0];
  EXPECT_TRUE(chain_has(v, "tick_housekeeping(")) << v.message;  // the breakages sit in the tick's slow path
  EXPECT_TRUE(chain_has(v, "dispatch_tick")) << v.message;
  EXPECT_NE(v.call_chain[1].find(":"), std::string::npos) << "frames carry file:line: " << v.call_chain[1];
}

INSTANTIATE_TEST_SUITE_P(
    SeedZeroRules, BrokenRule,
    ::testing::Values(Breakage{"sim-kernel-broken-timer-console.elf", "console-output", "console_write"},
                      Breakage{"sim-kernel-broken-allocate-in-tick.elf", "allocator-call", "allocate"},
                      Breakage{"sim-kernel-broken-lock-in-tick.elf", "waiting-lock", "lock_acquire"},
                      Breakage{"sim-kernel-broken-page-walk-in-tick.elf", "page-table-walk", "translate"},
                      Breakage{"sim-kernel-broken-busy-wait-in-tick.elf", "clock-busy-wait", "now"}),
    [](const ::testing::TestParamInfo<Breakage>& info) {
      std::string name = info.param.kind;
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

TEST(PristineRules, AnExplicitColdPathMayWriteTheConsole) {
  // The fatal #DF report is PRISTINE_COLD: its output is not a violation.
  const Report r = Simulator(load_scenario(kScenarios / "kernel-stack-overflow.toml"), kImages / "sim-kernel.elf").run();
  EXPECT_NE(r.console.find("KERNEL EXCEPTION"), std::string::npos);
  EXPECT_TRUE(of_kind(r, "console-output").empty());
}

TEST(PristineRules, TheJsonReportCarriesKindSymbolFileLineVectorAndCostCycles) {
  const Report r = Simulator(load_scenario(kScenarios / "quiet.toml"), kImages / "sim-kernel-broken-lock-in-tick.elf").run();
  const nlohmann::ordered_json j = to_json(r);
  bool found = false;
  for (const auto& v : j["violations"]) {
    if (v["kind"] != "waiting-lock") continue;
    found = true;
    for (const char* key : {"kind", "symbol", "file", "line", "vector", "cost_cycles", "call_chain"}) {
      EXPECT_TRUE(v.contains(key)) << key;
    }
    EXPECT_EQ(v["vector"], static_cast<Vector>(vectors::kTimer));  // the host vector (sim/host_types.h)
    EXPECT_GT(v["cost_cycles"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(v["rip"].get<std::string>().rfind("0x", 0), 0u) << "addresses are hex strings";
  }
  EXPECT_TRUE(found);
}

// ---- the static check ---------------------------------------------------------

pristine::testing::CommandResult hot_path_check(const std::string& image) {
  return pristine::testing::run_command(std::string(PRISTINE_BUILD_DIR "/bin/hot_path_check ") + (kImages / image).string());
}

TEST(StaticCheck, BothRealImagesKeepEveryHotCallInTheHotPath) {
  for (const char* image : {"sim-kernel.elf", "kernel.elf"}) {
    const auto r = hot_path_check(image);
    EXPECT_EQ(r.status, 0) << image << "\n" << r.output;
  }
}

TEST(StaticCheck, AHotFunctionCallingOutOfTheHotPathIsRefusedWithItsChain) {
  const auto r = hot_path_check("sim-kernel-broken-timer-console.elf");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("hot path calls pristine::machine::console_write"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("kernel-image/broken/timer_console.cpp:"), std::string::npos) << "the call site" << r.output;
  EXPECT_NE(r.output.find("interrupt_common -> x86_interrupt_dispatch -> pristine::dispatch_tick"), std::string::npos)
      << r.output;
}

TEST(StaticCheck, EachForbiddenCallOfTheBrokenImagesIsRefused) {
  for (const auto& [image, callee] : {std::pair{"sim-kernel-broken-log-iret.elf", "dump_frame"},
                                      std::pair{"sim-kernel-broken-allocate-in-tick.elf", "allocate"},
                                      std::pair{"sim-kernel-broken-lock-in-tick.elf", "lock_acquire"},
                                      std::pair{"sim-kernel-broken-page-walk-in-tick.elf", "translate"}}) {
    const auto r = hot_path_check(image);
    EXPECT_EQ(r.status, 1) << image << "\n" << r.output;
    EXPECT_NE(r.output.find(callee), std::string::npos) << image << "\n" << r.output;
  }
}

}  // namespace
}  // namespace pristine::sim
