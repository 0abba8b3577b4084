// `pristine calibrate`: the simulator's instruction counts against QEMU's
// -icount counts of the same paths (docs/cost-model.md, "Calibration").
//
// Both machines run the same calibration scenarios (benches/scenarios/
// calibrate-*.toml) with the same kernel objects; the kernel measures each
// path itself, from dispatch entry to exit, with machine::now(): under
// -icount shift=0 that clock counts instructions, and the simulator measures
// the same span between the same two clock reads. What differs is board code
// (hw-x86_64/pc against hw-sim): each path's expected difference is listed
// with its reason, and a path fails when the measured difference is off it by
// more than the tolerance.
//
// --kvm: the real-cycle run, on hardware virtualization only: the kernel's own
// TSC figures beside the simulator's modeled cycles. Refused where /dev/kvm is
// not VT-x/AMD-V.
//
// --host: the cost table's unprivileged instructions timed on this host CPU in
// ring 3, beside the table's figures (sim/host_calibration.h); ring-0 rows are
// listed and keep their sources.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <vector>

#include "sim/guest_architecture.h"

namespace pristine::cli {

struct CalibrateOptions {
  // x86_64: the PC in QEMU against sim-kernel.elf; aarch64: QEMU's virt
  // board against aarch64-sim-kernel.elf (the images follow it unless given).
  sim::GuestArchitecture arch = sim::GuestArchitecture::X86_64;
  std::filesystem::path pc_image;   // kernel.elf (aarch64-kernel.elf)
  std::filesystem::path sim_image;  // sim-kernel.elf (aarch64-sim-kernel.elf)
  std::filesystem::path scenarios;  // benches/scenarios
  bool kvm = false;
  std::optional<std::string> junit;  // JUnit XML, a case per compared path
};

// |measured - expected| within the documented tolerance: 3 instructions plus
// 2 % of the QEMU figure.
bool within_tolerance(double qemu, double simulator, double expected_difference);

int run_calibrate(const CalibrateOptions& options);

struct HostCalibrateOptions {
  std::optional<std::string> json;  // also write the JSON here (sim/cli/output_file.h)
  int repetitions = 10;             // Google Benchmark repetitions per probe
};

// Exit 0; 2 on bad input: a --json path that cannot be written (refused before
// the measurement) or a JSON file that could not be written at the end.
int run_calibrate_host(const HostCalibrateOptions& options);

}  // namespace pristine::cli
