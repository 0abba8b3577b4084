// The system-call convention of docs/syscalls.md in the simulator: the
// ring-3 C++ program syscall-abi (kernel-image/user/programs/syscall_abi.cpp)
// makes every call through `syscall` and through `int $0x80` and ends its
// task with exit code 1xx at the first difference; the context checker
// checks every return's CF against its result (sim/x86_64/user_context.cpp).
#include <gtest/gtest.h>

#include "sim/simulator.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";

const TaskReport& task_named(const Report& r, const std::string& name) {
  for (const TaskReport& t : r.tasks) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no task " + name);
}

const HandlerReport* path_named(const Report& r, const std::string& name) {
  for (const HandlerReport& h : r.handlers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

// syscall-abi beside a task that counts, under a device storm and a fast
// tick: the gate's calls are interrupted, preempted and resumed too.
Scenario abi_under_load() {
  Scenario s;
  s.file = "syscall-abi";
  s.name = "syscall-abi";
  s.duration = 8'000'000;
  s.tick_hz = 10000;
  s.tasks = {{"abi", UserProgram::SyscallAbi, 0, 0}, {"counter", UserProgram::Counter, 0, 0}};
  SourceSpec nic;
  nic.name = "nic";
  nic.kind = SourceKind::Periodic;
  nic.vector = 0x41;
  nic.period = 7000;
  s.sources = {nic};
  return s;
}

TEST(SyscallAbi, BothEntriesGiveTheSameResultsAndTheCarryFlagMarksEveryError) {
  const Report r = Simulator(abi_under_load(), kImage).run();
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  const TaskReport& abi = task_named(r, "abi");
  EXPECT_TRUE(abi.alive) << "exit code " << abi.exit_code << " names the failed check (syscall_abi.cpp)";
  EXPECT_GE(abi.progress, 3u) << "rounds of checks (each yields its slice to the counter)";
  EXPECT_TRUE(r.pass());
}

TEST(SyscallAbi, AGateCallIsMeasuredAsTheCallItMakes) {
  const Report r = Simulator(abi_under_load(), kImage).run();
  const std::uint64_t rounds = task_named(r, "abi").progress;
  // Per round: getpid three times (once plain, once each way), the unknown
  // number twice; yield once through the gate.
  const HandlerReport* getpid = path_named(r, "syscall/getpid");
  const HandlerReport* invalid = path_named(r, "syscall/invalid");
  ASSERT_NE(getpid, nullptr);
  ASSERT_NE(invalid, nullptr);
  EXPECT_GE(getpid->count, 3 * rounds);
  EXPECT_GE(invalid->count, 2 * rounds);
  EXPECT_EQ(path_named(r, "syscall-gate"), nullptr) << "int $0x80 is a system call, not a handler of its own";
}

}  // namespace
}  // namespace pristine::sim
