// core/ on AArch64 (hw-aarch64/, docs/aarch64.md): aarch64-kernel.elf on
// QEMU's virt board with GICv3, read with the same shutdown-report reader as
// the PC's (sim/shutdown_report.h). One CPU so far: EL0 counters, four of
// the PC's C++ system-call conformance programs (each exits on a wrong
// result, so alive and counting rounds is every check passing) and a kernel
// thread, preempted by the tick on its grid; every tick counted, the switch
// path's buckets, and a run deterministic under -icount.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "sim/shutdown_report.h"
#include "tests/run_command.h"

namespace {

using pristine::sim::read_shutdown_report;
using pristine::sim::ShutdownReport;
using pristine::testing::pristine;
using pristine::testing::run_command;

// Bounded: QEMU is killed after 60 s (a run takes about 0.3 s).
// Under -icount only: under plain TCG guest time is host time, and a busy
// host shows as missed ticks (docs/boot.md, "Modes").
pristine::testing::CommandResult boot_aarch64(bool icount) {
  return run_command(std::string("timeout 60 " PRISTINE_QEMU_AARCH64
                                 " -machine virt,gic-version=3 -cpu cortex-a57 -m 128M -display none -serial stdio"
                                 " -monitor none -no-reboot -kernel " PRISTINE_BUILD_DIR "/images/aarch64-kernel.elf"
                                 " -semihosting-config enable=on,target=native") +
                     (icount ? " -icount shift=0,sleep=off" : ""));
}

TEST(Aarch64Boot, CoreRunsEl0TasksAndConformanceProgramsOnTheVirtBoard) {
  const auto r = boot_aarch64(true);
  ASSERT_EQ(r.status, 33) << "QEMU status 33 is the kernel's pass (core/qemu_exit_status.h)\n" << r.output;
  const ShutdownReport report = read_shutdown_report(r.output);
  EXPECT_TRUE(report.passed()) << r.output;
  // 200 ms at 1 kHz: the first tick and 200 more, none missed (-icount).
  EXPECT_EQ(report.get("cpu", "0").number("ticks"), 201u) << r.output;
  EXPECT_EQ(report.get("cpu", "0").number("expected-ticks"), 201u);
  EXPECT_EQ(report.get("cpu", "0").number("missed"), 0u);
  for (const char* name : {"counter-a", "counter-b", "kcounter"}) {
    const auto& task = report.get("task", name);
    EXPECT_GT(task.number("progress"), 1'000'000u) << name << "\n" << r.output;
    EXPECT_GE(task.number("switches-in"), 50u) << name << ": preempted by the tick, turn about";
    EXPECT_EQ(task.text("state"), "alive") << name;
  }
  // Rounds of every success and error case of their calls, from EL0.
  for (const char* name : {"syscall-sync", "syscall-memory", "syscall-files", "syscall-ipc", "syscall-debug"}) {
    const auto& task = report.get("task", name);
    EXPECT_EQ(task.text("state"), "alive") << name << " exited: a call gave a wrong result\n" << r.output;
    EXPECT_GE(task.number("progress"), 10u) << name << "\n" << r.output;
  }
  EXPECT_GT(report.get("task", "syscall-memory").number("pages-mapped"), 10u) << "demand-zero pages from EL0 aborts";
  // syscall-ipc's first round: threads blocked on channels and queues woken
  // with their results, and a process of its own that ran and ended.
  EXPECT_EQ(report.get("task", "ipc-prober").text("state"), "dead") << r.output;
  for (const char* path : {"syscall/channel_send+switch", "syscall/channel_receive+switch", "syscall/queue_send+switch",
                           "syscall/queue_receive+switch", "syscall/poll+switch"}) {
    EXPECT_NE(report.find("path", path), nullptr) << path << "\n" << r.output;
  }
  EXPECT_EQ(report.get("path", "timer+switch").number("count"), 201u) << r.output;
  for (const char* path : {"syscall/mutex_lock", "syscall/map", "syscall/read", "data-abort"}) {
    EXPECT_NE(report.find("path", path), nullptr) << path << "\n" << r.output;
  }
  std::uint64_t bucketed = 0;
  for (const auto& b : report.get("switch-paths", "0").buckets("buckets")) bucketed += b.count;
  EXPECT_EQ(bucketed, report.get("switch-paths", "0").number("count"));
}

TEST(Aarch64Boot, IcountRunsAreByteIdentical) {
  const auto first = boot_aarch64(true);
  const auto second = boot_aarch64(true);
  ASSERT_EQ(first.status, 33) << first.output;
  EXPECT_EQ(first.output, second.output);
}

// The same run through the CLI, which reads QEMU's status as for the PC
// (core/qemu_exit_status.h), and refuses aloud what the AArch64 kernel
// cannot do yet rather than ignore it.
TEST(Aarch64Boot, PristineBootArchAarch64PassesAndRefusesWhatItCannotDoYet) {
  const auto r = pristine("boot --arch aarch64 --icount");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("verdict pass"), std::string::npos) << r.output;
  for (const char* flags : {"--seconds 1", "--kvm"}) {
    const auto refused = pristine(std::string("boot --arch aarch64 ") + flags);
    EXPECT_EQ(refused.status, 2) << flags << "\n" << refused.output;
    EXPECT_NE(refused.output.find("pristine boot --arch aarch64: not yet: " + std::string(flags).substr(0, std::string(flags).find(' '))),
              std::string::npos)
        << refused.output;
  }
  const auto unknown = pristine("boot --arch riscv64");
  EXPECT_EQ(unknown.status, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("riscv64 not in"), std::string::npos) << unknown.output;
}

// Two CPUs: the secondary starts through PSCI CPU_ON (virt/secondary_entry.S),
// turns its MMU on with the boot CPU's tables, aligns its cycle counter to
// the boot CPU's and joins core/ in kernel_secondary_main: its tick runs on
// the grid and its tasks make progress. The verdict is not judged: under
// -icount QEMU runs the vCPUs in turns of up to a tick, so a CPU's tick
// handler can span another CPU's whole turn (1 ms of virtual time) and its
// busy tasks starve; the PC's default tasks fail alike with --smp 2
// (docs/aarch64.md).
TEST(Aarch64Boot, ASecondCpuStartsTicksAndRunsTasks) {
  const auto r = pristine("boot --arch aarch64 --icount --smp 2");
  EXPECT_NE(r.output.find(", 2 CPUs"), std::string::npos) << r.output;
  const ShutdownReport report = read_shutdown_report(r.output);
  EXPECT_GE(report.get("cpu", "1").number("ticks"), 150u) << r.output;
  EXPECT_EQ(report.get("cpu", "1").number("early"), 0u) << "its clock agrees with its timer";
  std::uint64_t progress_on_cpu1 = 0;
  for (const auto* task : report.all("task")) {
    if (task->text("cpu") == "1" && task->subject != "idle") progress_on_cpu1 += task->number("progress");
  }
  EXPECT_GT(progress_on_cpu1, 0u) << r.output;
}

}  // namespace
