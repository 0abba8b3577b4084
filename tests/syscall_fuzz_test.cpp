// The system-call fuzzer (kernel-image/user/programs/syscall_fuzz.cpp) in the
// simulator: a million hostile calls from ring 3, over four seeds, with no
// kernel fault and every invariant holding. A failure names its seed: the
// scenario scenarios/syscall-fuzz.toml with `arg` set to it replays the
// same calls (the simulator is deterministic).
#include <gtest/gtest.h>

#include "core/drivers/driver_table.h"
#include "core/interrupt/vectors.h"
#include "sim/simulator.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
constexpr std::uint64_t kCallsPerSeed = 250'000;

// Odd seeds start uart0 (a source feeds it): the fuzzer's opens of
// "dev/uart0" succeed and its reads, writes and requests reach the driver;
// even seeds leave it off (-ENODEV).
bool with_uart0(std::uint64_t seed) { return seed % 2 == 1; }

Scenario fuzz(std::uint64_t seed) {
  Scenario s;
  s.file = s.name = "syscall-fuzz";
  s.duration = 240'000'000;  // about 850 cycles a call (the fuzzer's own draws included)
  s.tick_hz = 4000;
  TaskSpec t{"fuzz", UserProgram::SyscallFuzz, 0, 0};
  t.number = seed;
  s.tasks = {t};
  if (with_uart0(seed)) {
    SourceSpec typing;
    typing.name = "typing";
    typing.kind = SourceKind::Periodic;
    typing.driver = static_cast<std::uint32_t>(drivers::DriverId::Uart0);
    typing.vector = static_cast<Vector>(vectors::kDeviceBase + drivers::kDrivers[0].line);
    typing.period = 100'000;  // 20 000 bytes a second
    s.sources = {typing};
  }
  return s;
}

class SyscallFuzz : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SyscallFuzz, HostileCallsGetErrorCodesAndTheKernelSurvivesEveryOne) {
  const std::uint64_t seed = GetParam();
  const Report r = Simulator(fuzz(seed), kImage).run();
  const std::string replay = "replay: pristine sim scenarios/syscall-fuzz.toml with arg = " + std::to_string(seed) +
                             " and duration_ms = 120";
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message << "\n" << replay;
  const TaskReport* fuzzer = nullptr;
  for (const TaskReport& t : r.tasks) {
    if (t.name == "fuzz") fuzzer = &t;
  }
  ASSERT_NE(fuzzer, nullptr);
  EXPECT_TRUE(fuzzer->alive) << "exit code " << fuzzer->exit_code
                             << ": 100 + the call whose result was implausible (199: a number past the table)\n"
                             << replay;
  EXPECT_GE(fuzzer->progress, kCallsPerSeed) << "calls made\n" << replay;
  EXPECT_TRUE(r.pass()) << replay;
  // The IPC calls (39-45) are drawn like the rest, often on live objects.
  for (const char* path : {"syscall/channel_create", "syscall/channel_send", "syscall/channel_receive",
                           "syscall/queue_create", "syscall/queue_send", "syscall/queue_receive", "syscall/poll"}) {
    std::uint64_t count = 0;
    for (const HandlerReport& h : r.handlers) {
      if (h.name == path) count += h.count;
    }
    EXPECT_GT(count, kCallsPerSeed / 100) << path;
  }
  // The device calls (51-52) too; with uart0 started, the device file is
  // opened, read and written for real, and its books balance (device-data).
  for (const char* path : {"syscall/fd_write", "syscall/ioctl"}) {
    std::uint64_t count = 0;
    for (const HandlerReport& h : r.handlers) {
      if (h.name == path) count += h.count;
    }
    EXPECT_GT(count, kCallsPerSeed / 100) << path;
  }
  if (with_uart0(seed)) {
    ASSERT_EQ(r.devices.size(), 1u);
    EXPECT_GT(r.devices[0].driver_transmitted, 0u) << "fd_write reached the transmitter";
    EXPECT_GT(r.devices[0].delivered, 0u) << "the fuzzer held the device open while input came";
  }
}

// Four seeds, a quarter of the million each.
INSTANTIATE_TEST_SUITE_P(Seeds, SyscallFuzz, ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace pristine::sim
