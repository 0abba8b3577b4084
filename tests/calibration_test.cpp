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

TEST(Calibration, KvmIsRefusedWhereItIsNotHardwareVirtualization) {
  if (kvm_unusable_reason().empty()) GTEST_SKIP() << "this machine has hardware virtualization";
  const auto r = pristine("calibrate --kvm");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hardware virtualization"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pristine::cli
