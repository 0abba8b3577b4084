// Calibration: the simulator's instruction counts against QEMU -icount on the
// same paths of the same kernel objects (`pristine calibrate`), and its parts.
#include <gtest/gtest.h>

#include "tests/run_command.h"
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "sim/cli/boot_command.h"
#include "sim/cli/calibrate_command.h"

namespace pristine::cli {
namespace {

using pristine::testing::pristine;

TEST(Calibration, ToleranceIsThreeInstructionsPlusTwoPercent) {
  EXPECT_TRUE(within_tolerance(100, 90, 10));
  EXPECT_TRUE(within_tolerance(100, 85, 10)) << "5 off, tolerance 3 + 2";
  EXPECT_FALSE(within_tolerance(100, 84, 10)) << "6 off";
  EXPECT_FALSE(within_tolerance(100, 96, 10)) << "the simulator counting more than expected fails too";
}

TEST(Calibration, SimulatorAgreesWithQemuIcountWithinTheDocumentedTolerance) {
  const std::string junit = PRISTINE_BUILD_DIR "/tests/calibration-junit.xml";
  const auto r = pristine("calibrate --junit " + junit);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("calibration: PASS"), std::string::npos) << r.output;
  for (const char* path : {"timer ", "timer+switch", "syscall/getpid", "page-fault", "invalid-opcode+switch",
                           "ipi-reschedule+switch", "ipi-tlb-shootdown"}) {
    EXPECT_NE(r.output.find(path), std::string::npos) << path << "\n" << r.output;
  }
  // The JUnit file: a case per calibrated path (docs/ci-results.md), read by Python's XML parser.
  const auto cases = pristine::testing::run_command("python3 " PRISTINE_SOURCE_DIR "/tests/junit_cases.py " + junit);
  EXPECT_EQ(cases.status, 0) << cases.output;
  EXPECT_NE(cases.output.find("calibrate.timer_tick\ttimer\tpassed"), std::string::npos) << cases.output;
  EXPECT_NE(cases.output.find("calibrate.spurious_interrupt\tspurious\tskipped\tnot observed on the PC"), std::string::npos)
      << cases.output;
  EXPECT_NE(cases.output.find("totals 11 0 2"), std::string::npos) << cases.output;
}

// The same on AArch64: QEMU's virt board against the simulated board, one
// CPU, each path's difference the boards' own (sim/cli/calibrate_command.cpp).
TEST(Calibration, TheAarch64SimulatorAgreesWithQemuIcountToo) {
  const std::string junit = PRISTINE_BUILD_DIR "/tests/calibration-aarch64-junit.xml";
  const auto r = pristine("calibrate --arch aarch64 --junit " + junit);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("booting aarch64-kernel.elf"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("calibration: PASS"), std::string::npos) << r.output;
  const auto cases = pristine::testing::run_command("python3 " PRISTINE_SOURCE_DIR "/tests/junit_cases.py " + junit);
  EXPECT_EQ(cases.status, 0) << cases.output;
  for (const char* c : {"calibrate.timer_tick\ttimer\tpassed", "calibrate.null_syscall\tsyscall/getpid\tpassed",
                        "calibrate.page_fault_map\tdata-abort\tpassed",
                        "calibrate.user_fault_kill\tundefined-instruction+switch\tpassed"}) {
    EXPECT_NE(cases.output.find(c), std::string::npos) << c << "\n" << cases.output;
  }
  EXPECT_NE(cases.output.find("totals 7 0 1"), std::string::npos) << cases.output;
  EXPECT_EQ(pristine("calibrate --arch riscv64").status, 2);
}

TEST(Calibration, KvmIsRefusedWhereItIsNotHardwareVirtualization) {
  if (kvm_unusable_reason().empty()) GTEST_SKIP() << "this machine has hardware virtualization";
  const auto r = pristine("calibrate --kvm");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hardware virtualization"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pristine::cli
