// `pristine boot` without QEMU (sim/cli/boot_command.cpp): the QEMU command
// line each mode builds, and how each way QEMU can end is judged. A fake
// `qemu-system-x86_64` on PATH ends the way a test asks; only the kernel's
// pass status (33) may read as a pass. The real boots are in tests/boot_test.cpp.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/kernel_main.h"
#include "core/stats/shutdown_report_format.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "sim/cli/boot_command.h"
#include "sim/nic_payload.h"

namespace {

using pristine::cli::BootOptions;

bool has_sequence(const std::vector<std::string>& cmd, const std::vector<std::string>& seq) {
  return std::search(cmd.begin(), cmd.end(), seq.begin(), seq.end()) != cmd.end();
}

std::string append_of(const std::vector<std::string>& cmd) {
  const auto it = std::find(cmd.begin(), cmd.end(), "-append");
  return it != cmd.end() && it + 1 != cmd.end() ? *(it + 1) : "";
}

BootOptions options(double seconds = 1.0) {
  BootOptions o;
  o.seconds = seconds;
  o.image = "kernel.elf";
  return o;
}

TEST(BootCommand, TcgIsHeadlessWithDebugExitAndNoReboot) {
  const auto cmd = pristine::cli::qemu_command(options());
  EXPECT_EQ(cmd.front(), "qemu-system-x86_64");
  for (const std::vector<std::string>& seq :
       {std::vector<std::string>{"-display", "none"}, {"-nodefaults"}, {"-serial", "stdio"}, {"-no-reboot"},
        {"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"}, {"-kernel", "kernel.elf"}, {"-accel", "tcg"}}) {
    EXPECT_TRUE(has_sequence(cmd, seq)) << seq.front();
  }
  EXPECT_EQ(append_of(cmd), "seconds=1");
  EXPECT_FALSE(has_sequence(cmd, {"-S"}));
}

TEST(BootCommand, IcountIsDeterministicAndTellsTheKernel) {
  BootOptions o = options();
  o.mode = BootOptions::Mode::Icount;
  const auto cmd = pristine::cli::qemu_command(o);
  EXPECT_TRUE(has_sequence(cmd, {"-icount", "shift=0,sleep=off"}));
  EXPECT_EQ(append_of(cmd), "seconds=1 icount");
}

TEST(BootCommand, Nic0IsAnE1000OnAUnixDatagramSocketPairOnlyWhenPacketsAreSent) {
  BootOptions o = options();
  EXPECT_FALSE(has_sequence(pristine::cli::qemu_command(o), {"-netdev"})) << "-nodefaults: no NIC";
  o.nic_qemu_socket = "/tmp/d/qemu.sock";
  o.nic_host_socket = "/tmp/d/host.sock";
  const auto cmd = pristine::cli::qemu_command(o);
  EXPECT_TRUE(has_sequence(cmd, {"-netdev", "dgram,id=nic0,local.type=unix,local.path=/tmp/d/qemu.sock,"
                                            "remote.type=unix,remote.path=/tmp/d/host.sock"}));
  EXPECT_TRUE(has_sequence(cmd, {"-device", "e1000,netdev=nic0,romfile="}));
}

TEST(BootCommand, SecondsArePlainDecimalAndNeverZero) {
  // The kernel reads `seconds=` as decimal (no exponent); 0 would mean forever.
  EXPECT_EQ(append_of(pristine::cli::qemu_command(options(0.25))), "seconds=0.25");
  EXPECT_EQ(append_of(pristine::cli::qemu_command(options(2.5))), "seconds=2.5");
  EXPECT_EQ(append_of(pristine::cli::qemu_command(options(600))), "seconds=600");
  EXPECT_EQ(append_of(pristine::cli::qemu_command(options(1e-9))), "seconds=0.000001");
}

TEST(BootCommand, DebugWaitsForGdbAndExtraArgumentsComeLast) {
  BootOptions o = options();
  o.debug = true;
  o.kernel_args = {"tick=4000"};
  o.extra_qemu_args = {"-d", "int"};
  const auto cmd = pristine::cli::qemu_command(o);
  EXPECT_TRUE(has_sequence(cmd, {"-gdb", "tcp::1234", "-S"}));
  EXPECT_EQ(append_of(cmd), "seconds=1 tick=4000");
  ASSERT_GE(cmd.size(), 2u);
  EXPECT_EQ(cmd[cmd.size() - 2], "-d");
  EXPECT_EQ(cmd.back(), "int");
}

TEST(BootCommand, TheGdbPortIsTheOnesGiven) {
  BootOptions o = options();
  o.debug = true;
  o.gdb_port = 40123;
  EXPECT_TRUE(has_sequence(pristine::cli::qemu_command(o), {"-gdb", "tcp::40123", "-S"}));
}

TEST(BootCommand, StatusCodesOfTheDebugExitDevice) {
  using namespace pristine::pc;
  EXPECT_EQ(kQemuStatusPass, 33);
  EXPECT_FALSE(is_kernel_failure_status(kQemuStatusPass));
  EXPECT_FALSE(is_kernel_failure_status(0));  // triple fault under -no-reboot
  EXPECT_FALSE(is_kernel_failure_status(1));  // QEMU's own error exit
  EXPECT_TRUE(is_kernel_failure_status(((kDebugExitFailBase + 1) << 1) | 1));
  EXPECT_EQ(kernel_code_of_status(((kDebugExitFailBase + 7) << 1) | 1), 7);
}

// A directory with a fake qemu-system-x86_64 first on PATH, for one test.
class FakeQemu : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pristine-fake-qemu-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    image_ = dir_ / "kernel.elf";
    std::ofstream(image_) << "not an image: the fake QEMU does not read it\n";
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }
  // The fake prints a console line, then runs `body` (a shell fragment).
  void fake(const std::string& body) {
    const auto path = dir_ / "qemu-system-x86_64";
    std::ofstream(path) << "#!/bin/sh\necho 'fake console line'\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  struct Result {
    int code;
    std::string out, err;
  };
  Result boot(double seconds = 1.0, std::string serial_input = "", std::uint64_t nic_packets = 0) {
    BootOptions o = options(seconds);
    o.image = image_;
    o.serial_input = std::move(serial_input);
    o.nic_packets = nic_packets;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    const int code = pristine::cli::run_boot(o);
    std::string out = testing::internal::GetCapturedStdout();
    return {code, std::move(out), testing::internal::GetCapturedStderr()};
  }

  std::filesystem::path dir_, image_;
  std::string old_path_;
};

TEST_F(FakeQemu, OnlyThePassStatusIsAPassAndTheConsoleIsStreamed) {
  fake("exit 33");
  const Result r = boot();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("fake console line"), std::string::npos);
}

TEST_F(FakeQemu, StatusZeroIsATripleFault) {
  fake("exit 0");
  const Result r = boot();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("triple fault or reset (QEMU status 0)"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, KernelFailureCodeIsReported) {
  fake("sleep 0.3; exit 67");  // the kernel wrote 0x21: failure code 1, after a run that used no CPU
  const Result r = boot();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("FAIL: kernel reported failure (code 1)"), std::string::npos) << r.err;
  // No report says why: host starvation explains nothing it cannot see.
  EXPECT_EQ(r.err.find("INCONCLUSIVE"), std::string::npos) << r.err;
}

// A failing run's report: `lines` (shell echo lines), verdict fail, then the
// kernel's failure status, after `sleep` seconds of using no CPU (what a QEMU
// the host starved looks like under plain TCG: guest time is host time).
std::string failing_report(const std::vector<std::string>& lines, double sleep = 0.3) {
  std::string body = fmt::format("sleep {}\necho 'pristine-report v{}'\n", sleep,
                                 pristine::report::kShutdownReportVersion);
  for (const std::string& line : lines) body += "echo '" + line + "'\n";
  return body + "echo 'verdict fail'\necho 'end-of-report'\nexit 67";
}

TEST_F(FakeQemu, ATickShortfallOnAStarvedHostIsInconclusiveNotAFailure) {
  // Measured on a busy host: QEMU got 70 % of a CPU, 1416 of 2001 ticks.
  fake(failing_report({"cpu 0 ticks 1416 expected-ticks 2001", "failure tick-rate cpu 0"}));
  const Result r = boot();
  EXPECT_EQ(r.code, pristine::cli::kBootInconclusive) << r.err;
  EXPECT_NE(r.err.find("INCONCLUSIVE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cpu 0: 1416 of 2001 ticks"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--icount"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("FAIL"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, TooManyTicksOrAnotherFailureIsTheKernelsFailure) {
  fake(failing_report({"cpu 0 ticks 2500 expected-ticks 2001", "failure tick-rate cpu 0"}));
  EXPECT_EQ(boot().code, pristine::cli::kBootFail);
  fake(failing_report({"cpu 0 ticks 1416 expected-ticks 2001", "failure tick-rate cpu 0",
                       "task counter progress 0", "failure no-progress task counter"}));
  const Result r = boot();
  EXPECT_EQ(r.code, pristine::cli::kBootFail) << r.err;
  EXPECT_NE(r.err.find("FAIL: kernel reported failure"), std::string::npos) << r.err;
}

TEST(BootCommandStarvation, OnlyAShareWellBelowOneCpuPerVcpuExplainsIt) {
  const std::string console = fmt::format(
      "pristine-report v{}\ncpu 0 ticks 1416 expected-ticks 2001\nfailure tick-rate cpu 0\nverdict fail\n"
      "end-of-report\n",
      pristine::report::kShutdownReportVersion);
  EXPECT_NE(pristine::cli::starvation_explains(console, 0.7, 1.0, 1), "");
  EXPECT_EQ(pristine::cli::starvation_explains(console, 0.95, 1.0, 1), "") << "QEMU had its CPU";
  EXPECT_NE(pristine::cli::starvation_explains(console, 1.2, 1.0, 2), "") << "2 vCPUs on 1.2 CPUs";
  EXPECT_EQ(pristine::cli::starvation_explains("no report", 0.1, 1.0, 1), "");
}

TEST_F(FakeQemu, QemusOwnErrorIsNotMistakenForTheKernel) {
  fake("echo 'qemu: could not load kernel' >&2; exit 1");
  const Result r = boot();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("QEMU exited with status 1"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("kernel reported"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("INCONCLUSIVE"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, DeathBySignalIsAFailure) {
  fake("kill -9 $$");
  const Result r = boot();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("signal"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, AHungGuestIsKilledAtTheTimeout) {
  fake("exec sleep 120");
  const auto start = std::chrono::steady_clock::now();
  const Result r = boot(0.1);  // limit: 0.1 * 10 + 10 = 11 s
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("timeout"), std::string::npos) << r.err;
  EXPECT_GT(took, 10.5);
  EXPECT_LT(took, 20.0);
}

TEST(BootCommandRefusals, MissingImageIsBadInput) {
  BootOptions o = options();
  o.image = "/nonexistent/kernel.elf";
  testing::internal::CaptureStderr();
  EXPECT_EQ(pristine::cli::run_boot(o), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("no such kernel image"), std::string::npos);
}

TEST(BootCommandRefusals, KvmWithoutHardwareVirtualizationIsRefused) {
  const std::string why = pristine::cli::kvm_unusable_reason();
  if (why.empty()) GTEST_SKIP() << "this machine has hardware virtualization";
  BootOptions o = options();
  o.mode = BootOptions::Mode::Kvm;
  testing::internal::CaptureStderr();
  EXPECT_EQ(pristine::cli::run_boot(o), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("refused"), std::string::npos);
}

// Serial input (uart0, docs/drivers.md): sent on QEMU's standard input after
// the kernel's banner, then the pipe is closed; the run passes only if the
// shutdown report's uart0 record consumed every byte, checksum included.
// The fake reads its input to the end (so it ends only once the pipe is
// closed) and prints the report line a test gives.
std::string fake_report(const std::string& device_line) {
  return fmt::format("echo '{}pretend'\ncat > /dev/null\necho 'pristine-report v{}'\n{}echo 'verdict pass'\n"
                     "echo 'end-of-report'\nexit 33",
                     pristine::kKernelBanner, pristine::report::kShutdownReportVersion,
                     device_line.empty() ? "" : "echo '" + device_line + "'\n");
}

std::uint64_t checksum_of(const std::string& bytes) {
  std::uint64_t sum = pristine::uart::kChecksumSeed;
  for (const char c : bytes) sum = pristine::uart::checksum_step(sum, static_cast<std::uint8_t>(c));
  return sum;
}

// The report's uart0 record of a driver that consumed `consumed` whole.
std::string uart0_record(const std::string& consumed) {
  return fmt::format("device uart0 interrupts {0} captured {0} ring-full 0 overruns 0 consumed {0} checksum {1:#x} "
                     "bottom-half-runs 1",
                     consumed.size(), checksum_of(consumed));
}

TEST_F(FakeQemu, SerialInputConsumedWholeIsAPass) {
  fake(fake_report(uart0_record("abc")));
  const Result r = boot(1.0, "abc");
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(FakeQemu, SerialInputNotAllConsumedIsAFailure) {
  fake(fake_report(uart0_record("ab")));
  const Result r = boot(1.0, "abc");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("uart0 consumed 2 of the 3 bytes sent"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, SerialInputWithAWrongChecksumIsAFailure) {
  fake(fake_report(uart0_record("abd")));
  const Result r = boot(1.0, "abc");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, SerialInputWithoutTheDriverIsAFailure) {
  fake(fake_report(""));
  const Result r = boot(1.0, "abc");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("did not start"), std::string::npos) << r.err;
}

// Packets (nic0): the run passes only if the shutdown report's nic0 record
// received packets 0 .. N-1 of sim/nic_payload.h whole. (The fake binds no
// socket: the packets find no reader, which is the fake's business.)
std::string nic0_record(std::uint64_t packets, std::uint64_t first_changed = ~0ull) {
  std::uint64_t sum = pristine::nic::kChecksumSeed;
  std::uint64_t bytes = 0;
  for (std::uint64_t k = 0; k < packets; ++k) {
    const std::uint32_t length = pristine::sim::nic_packet_length(k);
    for (std::uint32_t i = 0; i < length; ++i) {
      const std::uint8_t byte = pristine::sim::nic_payload_byte(k, i) ^ (k == first_changed && i == 0 ? 1 : 0);
      sum = pristine::nic::checksum_step(sum, byte);
    }
    bytes += length;
  }
  return fmt::format("device nic0 interrupts 1 overruns 0 packets {} bytes {} bad-descriptors 0 checksum {:#x} "
                     "bottom-half-runs 1",
                     packets, bytes, sum);
}

TEST_F(FakeQemu, PacketsReceivedWholeAreAPass) {
  fake(fake_report(nic0_record(3)));
  const Result r = boot(1.0, "", 3);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(FakeQemu, PacketsNotAllReceivedAreAFailure) {
  fake(fake_report(nic0_record(2)));
  const Result r = boot(1.0, "", 3);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nic0 received 2 of the 3 packets sent"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, PacketsWithAChangedByteAreAFailure) {
  fake(fake_report(nic0_record(3, 1)));
  const Result r = boot(1.0, "", 3);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nic0's checksum"), std::string::npos) << r.err;
}

TEST_F(FakeQemu, PacketsWithoutTheDriverAreAFailure) {
  fake(fake_report(""));
  const Result r = boot(1.0, "", 3);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no nic0 device"), std::string::npos) << r.err;
}

}  // namespace
