// The invariants judged once the run is over, on the finished report and
// the CPUs' final state: ticks owed, IPIs and interrupts accounted for,
// budgets, progress and CPU shares (docs/scenarios.md). Run-time invariants
// are checked where the run loop sees them (sim/path_invariants.h).
//
// A new end-of-run invariant: one function in sim/end_of_run_checks.cpp and
// one line in its kChecks table, with the kind it raises.
#pragma once

#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/guest_kernel_view.h"
#include "sim/interconnect.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/violations.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct FinishedRun {
  const Scenario& scenario;
  const SimCpus& cpus;
  const GuestKernelView& kernel;
  const GuestImage& image;
  const Report& report;  // measurements only (sim/report_builder.h)
};

void check_finished_run(const FinishedRun& run, Violations& violations);

// The violation kind of each end-of-run check, in the order they run: what
// a run that raised none of them passed (the JUnit report lists them all).
std::vector<std::string> end_of_run_invariants();

// The "device-data" check of driven devices (one of check_finished_run's):
// every byte a device gave its driver is queued or counted as dropped, and
// what the bottom half consumed has the device's checksum.
void check_device_data(const std::vector<DeviceReport>& devices, Cycles end, Violations& violations);
// The same for NICs: every packet that arrived was delivered or counted as
// dropped; every interrupt cause raised, folded or pending; the bottom half
// processed no more than was delivered, nothing it could not parse, and once
// it processed everything delivered, its bytes and checksum are the device's.
void check_nic_data(const std::vector<NicReport>& nics, Cycles end, Violations& violations);

// Two scheduling rounds; a round is every task's whole turn once, priority p
// taking p + 1 base slices (docs/scheduler.md; the slice as the kernel set it
// on CPU 0). Within two rounds every runnable task has had a turn, even one
// waiting behind a turn stretched by the wake-ups of tasks that outrank it.
Cycles two_scheduling_rounds(const Scenario& scenario, const GuestKernelView& kernel);

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
