#include "sim/cli/boot_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/kernel_main.h"
#include "core/boot/command_line_words.h"
#include "core/qemu_exit_status.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "sim/cli/process.h"
#include "sim/nic_payload.h"
#include "sim/shutdown_report.h"


namespace pristine::cli {
namespace {

// `seconds` as the kernel parses it: plain decimal, no exponent ("0.25", "1"),
// at least one microsecond (the kernel reads `seconds=0` as "run forever").
std::string seconds_word(double seconds) {
  std::string text = fmt::format("{:.6f}", std::max(seconds, 1e-6));
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return boot::command_line_word::kSeconds + text;
}

// Whether the kernel's uart0 driver consumed `sent` whole: every byte, in
// order (its checksum), none dropped. "" if so, else what went wrong.
std::string serial_input_problem(const std::string& sent, const std::string& console) {
  std::uint64_t checksum = uart::kChecksumSeed;
  for (const char c : sent) checksum = uart::checksum_step(checksum, static_cast<std::uint8_t>(c));
  try {
    const sim::ShutdownReport report = sim::read_shutdown_report(console);
    const sim::ReportRecord* device = report.find("device", "uart0");
    if (!device) return "the shutdown report has no uart0 device: its driver did not start";
    const std::uint64_t consumed = device->number("consumed");
    const std::uint64_t dropped = device->number("ring-full");
    const std::uint64_t got = device->number("checksum");
    if (consumed != sent.size() || dropped != 0) {
      return fmt::format("uart0 consumed {} of the {} bytes sent ({} dropped by its top half)", consumed,
                         sent.size(), dropped);
    }
    if (got != checksum) {
      return fmt::format("uart0's checksum {:#018x} is not the {:#018x} of the bytes sent", got, checksum);
    }
  } catch (const sim::ShutdownReportError& e) {
    return std::string("no readable shutdown report: ") + e.what();
  }
  return "";
}

// Whether the kernel's nic0 driver received packets 0 .. sent - 1 whole:
// every packet, every byte in order (its checksum). "" if so, else what went
// wrong.
std::string nic_input_problem(std::uint64_t sent, const std::string& console) {
  std::uint64_t checksum = nic::kChecksumSeed;
  std::uint64_t bytes = 0;
  for (std::uint64_t k = 0; k < sent; ++k) {
    const std::uint32_t length = sim::nic_packet_length(k);
    for (std::uint32_t i = 0; i < length; ++i) checksum = nic::checksum_step(checksum, sim::nic_payload_byte(k, i));
    bytes += length;
  }
  try {
    const sim::ShutdownReport report = sim::read_shutdown_report(console);
    const sim::ReportRecord* device = report.find("device", "nic0");
    if (!device) return "the shutdown report has no nic0 device: its driver did not start";
    const std::uint64_t packets = device->number("packets");
    const std::uint64_t got_bytes = device->number("bytes");
    const std::uint64_t got = device->number("checksum");
    if (packets != sent || got_bytes != bytes) {
      return fmt::format("nic0 received {} of the {} packets sent ({} of {} bytes)", packets, sent, got_bytes, bytes);
    }
    if (got != checksum) {
      return fmt::format("nic0's checksum {:#018x} is not the {:#018x} of the packets sent", got, checksum);
    }
  } catch (const sim::ShutdownReportError& e) {
    return std::string("no readable shutdown report: ") + e.what();
  }
  return "";
}

// nic0's packets, sent to QEMU's `-netdev dgram` end of a unix datagram
// socket pair (each datagram one frame). A full socket queue (QEMU stops
// reading while the e1000 has no free descriptor) makes a send wait for the
// next pass: QEMU paces the packets by the ring's room, so none is lost.
class NicFeeder {
 public:
  ~NicFeeder() {
    if (fd_ >= 0) close(fd_);
    if (!dir_.empty()) {
      unlink(host_.c_str());
      unlink(qemu_.c_str());
      rmdir(dir_.c_str());
    }
  }
  // A fresh directory with this side's socket bound in it; "" or why not.
  std::string open(std::uint64_t packets, BootOptions& o) {
    total_ = packets;
    char dir[] = "/tmp/pristine-nic0-XXXXXX";
    if (!mkdtemp(dir)) return std::string("mkdtemp: ") + std::strerror(errno);
    dir_ = dir;
    host_ = dir_ + "/host.sock";
    qemu_ = dir_ + "/qemu.sock";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
    const sockaddr_un self = address(host_);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&self), sizeof self) != 0) {
      return std::string("bind: ") + std::strerror(errno);
    }
    o.nic_qemu_socket = qemu_;
    o.nic_host_socket = host_;
    return "";
  }
  // Sends what the socket takes now; true while packets remain.
  bool feed() {
    const sockaddr_un to = address(qemu_);
    std::vector<std::uint8_t> frame;
    while (next_ < total_) {
      const std::uint32_t length = sim::nic_packet_length(next_);
      frame.resize(length);
      for (std::uint32_t i = 0; i < length; ++i) frame[i] = sim::nic_payload_byte(next_, i);
      // Not there yet (QEMU binds its end as it starts), or full: next pass.
      if (sendto(fd_, frame.data(), frame.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to) !=
          static_cast<ssize_t>(frame.size())) {
        return true;
      }
      ++next_;
    }
    return false;
  }

 private:
  static sockaddr_un address(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    return a;
  }
  int fd_ = -1;
  std::string dir_, host_, qemu_;
  std::uint64_t next_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace

namespace {

// The kernel command line (core/boot/command_line.h), the same words for
// both boards: the PC reads it from the PVH start info, the virt board from
// the device tree's /chosen/bootargs; QEMU's -append puts it in either.
std::string kernel_command_line(const BootOptions& o) {
  std::string append = seconds_word(o.seconds);
  if (o.smp > 1) append += std::string(" ") + boot::command_line_word::kCpus + std::to_string(o.smp);
  for (const std::string& word : o.kernel_args) append += " " + word;
  // Under -icount the clock counts instructions (the TSC, the PMU's cycle
  // counter): the report says so.
  if (o.mode == BootOptions::Mode::Icount) append += std::string(" ") + boot::command_line_word::kIcount;
  return append;
}

// QEMU's AArch64 `virt` board (docs/aarch64.md): GICv3, the kernel's verdict
// through semihosting's exit, which QEMU takes only with this flag. A
// Cortex-A76 (Armv8.2): it has PAN, which the kernel runs with where the CPU
// has it (hw-aarch64/cpu/pan.h); QEMU's Cortex-A57 (Armv8.0) has not.
std::vector<std::string> aarch64_qemu_command(const BootOptions& o) {
  std::vector<std::string> cmd = {"qemu-system-aarch64", "-machine", "virt,gic-version=3", "-cpu", "cortex-a76",
                                  "-m", "128M", "-smp", std::to_string(o.smp), "-display", "none", "-nodefaults",
                                  "-serial", "stdio", "-no-reboot", "-semihosting-config", "enable=on,target=native",
                                  "-kernel", o.image.string()};
  if (o.mode == BootOptions::Mode::Icount) cmd.insert(cmd.end(), {"-icount", "shift=0,sleep=off"});
  cmd.insert(cmd.end(), {"-append", kernel_command_line(o)});
  if (o.debug) cmd.insert(cmd.end(), {"-gdb", fmt::format("tcp::{}", o.gdb_port), "-S"});
  cmd.insert(cmd.end(), o.extra_qemu_args.begin(), o.extra_qemu_args.end());
  return cmd;
}

}  // namespace

std::vector<std::string> not_yet_on_aarch64(const BootOptions& o) {
  std::vector<std::string> refused;
  if (o.arch != BootOptions::Arch::Aarch64) return refused;
  if (!o.serial_input.empty()) refused.push_back("--scenario with uart0 sources: the virt board has no 16550 (uart0)");
  if (o.nic_packets != 0) refused.push_back("--scenario with nic0 sources: the virt board has no e1000 (nic0)");
  if (o.mode == BootOptions::Mode::Kvm) refused.push_back("--kvm: AArch64 runs under TCG on this x86-64 host");
  return refused;
}

std::vector<std::string> qemu_command(const BootOptions& o) {
  if (o.arch == BootOptions::Arch::Aarch64) return aarch64_qemu_command(o);
  std::vector<std::string> cmd = {"qemu-system-x86_64", "-machine", "pc", "-m", "128M", "-smp",
                                  std::to_string(o.smp), "-display", "none", "-nodefaults",
                                  "-serial", "stdio", "-no-reboot", "-device",
                                  "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", o.image.string()};
  switch (o.mode) {
    case BootOptions::Mode::Tcg:
      cmd.insert(cmd.end(), {"-accel", "tcg"});
      break;
    case BootOptions::Mode::Icount:
      // Deterministic: rdtsc counts instructions, no host time leaks in.
      cmd.insert(cmd.end(), {"-accel", "tcg", "-icount", "shift=0,sleep=off"});
      break;
    case BootOptions::Mode::Kvm:
      cmd.insert(cmd.end(), {"-accel", "kvm", "-cpu", "host"});
      break;
  }
  if (!o.nic_qemu_socket.empty()) {
    // nic0: an e1000 (no option ROM: the kernel is the only software that
    // drives it) whose network is a unix datagram socket pair: each datagram
    // this side sends to QEMU's end is one received frame.
    cmd.insert(cmd.end(), {"-netdev",
                           "dgram,id=nic0,local.type=unix,local.path=" + o.nic_qemu_socket +
                               ",remote.type=unix,remote.path=" + o.nic_host_socket,
                           "-device", "e1000,netdev=nic0,romfile="});
  }
  cmd.insert(cmd.end(), {"-append", kernel_command_line(o)});
  if (o.debug) cmd.insert(cmd.end(), {"-gdb", fmt::format("tcp::{}", o.gdb_port), "-S"});
  cmd.insert(cmd.end(), o.extra_qemu_args.begin(), o.extra_qemu_args.end());
  return cmd;
}

std::string kvm_unusable_reason() {
  if (access("/dev/kvm", R_OK | W_OK) != 0) return "/dev/kvm is not available";
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      if (word == "vmx" || word == "svm") return "";
    }
    break;
  }
  return "/dev/kvm exists but the CPU has no vmx/svm flag: KVM here is a software mode that emulates "
         "ring-0 code (ring-3 syscall fails, timings are emulator time, not cycles). Use --tcg or --icount; "
         "real-cycle runs need hardware virtualization or bare metal (docs/cost-model.md)";
}

int run_boot(const BootOptions& options) {
  BootOptions o = options;
  NicFeeder nic;
  if (o.nic_packets != 0) {
    if (const std::string why = nic.open(o.nic_packets, o); !why.empty()) {
      std::cerr << "pristine boot: cannot make nic0's socket: " << why << '\n';
      return kBootRefused;
    }
  }
  if (o.mode == BootOptions::Mode::Kvm) {
    if (const std::string why = kvm_unusable_reason(); !why.empty()) {
      std::cerr << "pristine boot --kvm: refused: " << why << '\n';
      return kBootRefused;
    }
  }
  if (!std::filesystem::exists(o.image)) {
    std::cerr << "pristine boot: " << o.image.string() << ": no such kernel image (build it first)\n";
    return kBootRefused;
  }
  const std::vector<std::string> cmd = qemu_command(o);
  if (o.debug) {
    std::cerr << fmt::format("QEMU waits for GDB on localhost:{}. In another terminal, from the repository's root:\n",
                             o.gdb_port)
              << "  gdb " << o.image.string()
              << fmt::format(" -ex 'set substitute-path /pristine .' -ex 'target remote :{}' -ex 'hbreak kernel_main' "
                             "-ex continue\n",
                             o.gdb_port)
              << "(docs/debugging.md has more recipes)\n";
  }

  const auto started = std::chrono::steady_clock::now();
  std::string why;
  // A child that stops reading its input must not kill us with SIGPIPE.
  if (!o.serial_input.empty()) signal(SIGPIPE, SIG_IGN);
  std::optional<ChildProcess> qemu = ChildProcess::start(cmd, why, !o.serial_input.empty());
  if (!qemu) {
    std::cerr << "pristine boot: cannot start " << cmd.front() << ": " << why << '\n';
    return kBootRefused;
  }

  // Stream the console until QEMU closes it; a wall-clock limit (10x the run
  // time plus 10 s: an -icount run takes ~3x, TCG ~1.2x) guards against a
  // hung guest, which is never a pass. No limit while GDB drives the guest.
  using Clock = std::chrono::steady_clock;
  const auto limit = o.debug ? Clock::time_point::max()
                             : Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(o.seconds * 10 + 10));
  bool timed_out = false;
  std::string console;
  std::string input = o.serial_input;
  bool booted = false;
  bool packets_left = o.nic_packets != 0;
  for (;;) {
    // Input waits for the kernel's banner: a byte sent while the board was
    // still setting up its UART would be dropped with the FIFO it resets.
    // (Packets could go earlier: QEMU's e1000 holds them until its receiver
    // is on. They wait too, for one rule.)
    booted = booted || console.find(kKernelBanner) != std::string::npos;
    if (booted) qemu->feed_input(input);
    if (booted && packets_left) packets_left = nic.feed();
    std::string chunk;
    const bool open = qemu->read_output(chunk, packets_left ? 2 : 200);
    if (!chunk.empty()) {
      console += chunk;
      if (o.console) o.console->append(chunk);
      if (o.echo) {
        std::cout << chunk;
        std::cout.flush();
      }
    }
    if (!open) break;
    if (Clock::now() > limit) {
      timed_out = true;
      qemu->kill();
      break;
    }
  }
  const ChildProcess::Exit exit = qemu->wait();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu = exit.cpu_seconds;
  if (timed_out) {
    std::cerr << fmt::format("pristine boot: FAIL: timeout ({:g} s of host time), QEMU killed\n",
                             o.seconds * 10 + 10);
    return kBootFail;
  }
  if (!exit.exited) {
    std::cerr << "pristine boot: FAIL: QEMU ended by a signal\n";
    return kBootFail;
  }
  const int code = exit.status;
  if (code == pc::kQemuStatusPass) {
    std::string problem = o.serial_input.empty() ? "" : serial_input_problem(o.serial_input, console);
    if (problem.empty() && o.nic_packets != 0) problem = nic_input_problem(o.nic_packets, console);
    if (problem.empty()) return kBootPass;
    std::cerr << "pristine boot: FAIL: " << problem << '\n';
    return kBootFail;
  }
  if (pc::is_kernel_failure_status(code) && o.mode == BootOptions::Mode::Tcg && !o.debug) {
    if (const std::string why = starvation_explains(console, cpu, wall, o.smp); !why.empty()) {
      std::cerr << "pristine boot: INCONCLUSIVE: " << why
                << "; no kernel fault shown. Run with --icount (deterministic: guest time counts instructions) "
                   "for a verdict\n";
      return kBootInconclusive;
    }
  }
  if (code == 0) {
    std::cerr << "pristine boot: FAIL: triple fault or reset (QEMU status 0)\n";
  } else if (pc::is_kernel_failure_status(code)) {
    std::cerr << fmt::format("pristine boot: FAIL: kernel reported failure (code {})\n", pc::kernel_code_of_status(code));
  } else {
    std::cerr << fmt::format("pristine boot: FAIL: QEMU exited with status {} (not the kernel's: see QEMU's message above)\n",
                             code);
  }
  return kBootFail;
}

// Under plain TCG guest time is host time: while the host deschedules QEMU
// the guest's tick deadlines pass unserved. The spinning guest keeps its
// vCPU busy, so a share well below one CPU per vCPU says the host, not the
// kernel, lost those ticks (docs/boot.md, "Modes").
std::string starvation_explains(const std::string& console, double cpu_seconds, double wall_seconds, unsigned smp) {
  if (wall_seconds <= 0 || cpu_seconds / wall_seconds >= 0.9 * smp) return "";
  try {
    const sim::ShutdownReport report = sim::read_shutdown_report(console);
    const auto failures = report.all("failure");
    if (failures.empty()) return "";
    std::string cpus;
    for (const sim::ReportRecord* failure : failures) {
      if (failure->subject != "tick-rate") return "";
      const std::string& id = failure->text("cpu");
      const sim::ReportRecord& cpu = report.get("cpu", id);
      if (cpu.number("ticks") >= cpu.number("expected-ticks")) return "";  // too many: not the host's doing
      cpus += fmt::format("{}cpu {}: {} of {} ticks", cpus.empty() ? "" : ", ", id, cpu.number("ticks"),
                          cpu.number("expected-ticks"));
    }
    return fmt::format("only a tick-rate shortfall ({}) while QEMU got {:.0f}% of a CPU for {} vCPU(s) ({:.1f} s "
                       "CPU in {:.1f} s of host time): the host starved it",
                       cpus, 100 * cpu_seconds / wall_seconds, smp, cpu_seconds, wall_seconds);
  } catch (const sim::ShutdownReportError&) {
    return "";
  }
}

}  // namespace pristine::cli
