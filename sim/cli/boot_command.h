// `pristine boot`: run kernel.elf in QEMU, headless, stream its serial
// console, and exit with the kernel's verdict (docs/boot.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pristine::cli {

struct BootOptions {
  enum class Mode { Tcg, Icount, Kvm };
  Mode mode = Mode::Tcg;
  // The PC (qemu-system-x86_64, kernel.elf) or QEMU's AArch64 `virt` board
  // with GICv3 (qemu-system-aarch64, aarch64-kernel.elf: docs/aarch64.md).
  enum class Arch { X86_64, Aarch64 };
  Arch arch = Arch::X86_64;
  unsigned smp = 1;
  double seconds = 1.0;  // run time before the shutdown report (kernel `seconds=`, microsecond resolution)
  bool debug = false;  // QEMU -gdb tcp::<gdb_port> -S: wait for GDB
  unsigned gdb_port = 1234;
  std::vector<std::string> extra_qemu_args;
  std::vector<std::string> kernel_args;  // extra words for the kernel command line (task=..., tick=...)
  std::filesystem::path image;
  // Bytes for COM1's receive side (uart0), fed through QEMU's standard input;
  // when not empty, the run passes only if the kernel's uart0 driver reports
  // every byte consumed with their checksum (docs/drivers.md).
  std::string serial_input;
  // Packets for nic0 (QEMU's e1000), packet k being sim/nic_payload.h's:
  // sent through a unix datagram socket QEMU's `-netdev dgram` reads; when
  // not zero, the run passes only if the kernel's nic0 driver reports every
  // packet received with their bytes' checksum (docs/drivers.md).
  std::uint64_t nic_packets = 0;
  // The two ends of that socket: QEMU's (local.path) and this side's
  // (remote.path); run_boot makes them in a fresh directory, tests set them.
  std::string nic_qemu_socket;
  std::string nic_host_socket;
  std::string* console = nullptr;  // if set, the console output is kept here
  bool echo = true;                // stream the console to stdout
};

// The QEMU command line for `options` (exposed for tests and --dry-run).
std::vector<std::string> qemu_command(const BootOptions& options);

// What `options` asks that the AArch64 virt board cannot do (KVM on this
// x86-64 host; the PC's devices a scenario's sources drive), one line each;
// empty for the PC.
std::vector<std::string> not_yet_on_aarch64(const BootOptions& options);

// Why hardware virtualization is unusable here, or "" if /dev/kvm is real
// VT-x/AMD-V (a `vmx` or `svm` CPU flag). On these machines /dev/kvm is a
// software mode that emulates ring 0, whose timings are not cycles.
std::string kvm_unusable_reason();

// What run_boot returns.
inline constexpr int kBootPass = 0;
inline constexpr int kBootFail = 1;
inline constexpr int kBootRefused = 2;       // the request cannot be served (e.g. --kvm here)
inline constexpr int kBootInconclusive = 3;  // ticks lost to a starved host under plain TCG

// Runs QEMU; returns kBootPass on the kernel's pass, kBootFail on any failure
// (with a reason on stderr), kBootInconclusive when the only failure is a
// tick-rate shortfall that host starvation explains (plain TCG: guest time
// is host time), kBootRefused when the request itself cannot be served.
int run_boot(const BootOptions& options);

// Whether the kernel's failure is explained by a starved host under plain
// TCG: every failure record a tick-rate shortfall (fewer ticks than
// expected, never more) and QEMU given well under one CPU per vCPU. The
// reason ("" if not).
std::string starvation_explains(const std::string& console, double cpu_seconds, double wall_seconds, unsigned smp);

}  // namespace pristine::cli
