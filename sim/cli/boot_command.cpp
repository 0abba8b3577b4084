#include "sim/cli/boot_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/drivers/uart.h"
#include "core/kernel_main.h"
#include "hw-x86_64/pc/command_line_words.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "sim/cli/process.h"
#include "sim/shutdown_report.h"


namespace pristine::cli {
namespace {

// `seconds` as the kernel parses it: plain decimal, no exponent ("0.25", "1"),
// at least one microsecond (the kernel reads `seconds=0` as "run forever").
std::string seconds_word(double seconds) {
  std::string text = fmt::format("{:.6f}", std::max(seconds, 1e-6));
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return pc::command_line_word::kSeconds + text;
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

}  // namespace

std::vector<std::string> qemu_command(const BootOptions& o) {
  std::vector<std::string> cmd = {"qemu-system-x86_64", "-machine", "pc", "-m", "128M", "-smp",
                                  std::to_string(o.smp), "-display", "none", "-nodefaults",
                                  "-serial", "stdio", "-no-reboot", "-device",
                                  "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", o.image.string()};
  std::string append = seconds_word(o.seconds);
  if (o.smp > 1) append += std::string(" ") + pc::command_line_word::kCpus + std::to_string(o.smp);
  for (const std::string& word : o.kernel_args) append += " " + word;
  switch (o.mode) {
    case BootOptions::Mode::Tcg:
      cmd.insert(cmd.end(), {"-accel", "tcg"});
      break;
    case BootOptions::Mode::Icount:
      // Deterministic: rdtsc counts instructions, no host time leaks in.
      cmd.insert(cmd.end(), {"-accel", "tcg", "-icount", "shift=0,sleep=off"});
      append += std::string(" ") + pc::command_line_word::kIcount;
      break;
    case BootOptions::Mode::Kvm:
      cmd.insert(cmd.end(), {"-accel", "kvm", "-cpu", "host"});
      break;
  }
  cmd.insert(cmd.end(), {"-append", append});
  if (o.debug) cmd.insert(cmd.end(), {"-s", "-S"});
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

int run_boot(const BootOptions& o) {
  if (o.mode == BootOptions::Mode::Kvm) {
    if (const std::string why = kvm_unusable_reason(); !why.empty()) {
      std::cerr << "pristine boot --kvm: refused: " << why << '\n';
      return 2;
    }
  }
  if (!std::filesystem::exists(o.image)) {
    std::cerr << "pristine boot: " << o.image.string() << ": no such kernel image (build it first)\n";
    return 2;
  }
  const std::vector<std::string> cmd = qemu_command(o);
  if (o.debug) {
    std::cerr << "QEMU waits for GDB on localhost:1234. In another terminal:\n"
              << "  gdb " << o.image.string() << " -ex 'target remote :1234' -ex 'hbreak kernel_main' -ex continue\n"
              << "(docs/debugging.md has more recipes)\n";
  }

  const auto started = std::chrono::steady_clock::now();
  std::string why;
  // A child that stops reading its input must not kill us with SIGPIPE.
  if (!o.serial_input.empty()) signal(SIGPIPE, SIG_IGN);
  std::optional<ChildProcess> qemu = ChildProcess::start(cmd, why, !o.serial_input.empty());
  if (!qemu) {
    std::cerr << "pristine boot: cannot start qemu-system-x86_64: " << why << '\n';
    return 2;
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
  for (;;) {
    // Input waits for the kernel's banner: a byte sent while the board was
    // still setting up its UART would be dropped with the FIFO it resets.
    booted = booted || console.find(kKernelBanner) != std::string::npos;
    if (booted) qemu->feed_input(input);
    std::string chunk;
    const bool open = qemu->read_output(chunk, 200);
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
    return 1;
  }
  if (!exit.exited) {
    std::cerr << "pristine boot: FAIL: QEMU ended by a signal\n";
    return 1;
  }
  const int code = exit.status;
  if (code == pc::kQemuStatusPass) {
    if (o.serial_input.empty()) return 0;
    const std::string problem = serial_input_problem(o.serial_input, console);
    if (problem.empty()) return 0;
    std::cerr << "pristine boot: FAIL: " << problem << '\n';
    return 1;
  }
  if (code == 0) {
    std::cerr << "pristine boot: FAIL: triple fault or reset (QEMU status 0)\n";
  } else if (pc::is_kernel_failure_status(code)) {
    std::cerr << fmt::format("pristine boot: FAIL: kernel reported failure (code {})\n", pc::kernel_code_of_status(code));
  } else {
    std::cerr << fmt::format("pristine boot: FAIL: QEMU exited with status {} (not the kernel's: see QEMU's message above)\n",
                             code);
  }
  // Under plain TCG guest time is host time: while the host deschedules QEMU
  // the guest's tick deadlines pass unserved. The spinning guest keeps its
  // vCPU busy, so a share well below one CPU per vCPU says the host, not the
  // kernel, lost those ticks (docs/boot.md, "Modes").
  if (pc::is_kernel_failure_status(code) && o.mode == BootOptions::Mode::Tcg && !o.debug && wall > 0 &&
      cpu / wall < 0.9 * o.smp) {
    std::cerr << fmt::format("pristine boot: note: QEMU got {:.0f}% of a CPU over the run for {} vCPU(s) (host busy: "
                             "{:.1f} s CPU in {:.1f} s); under TCG that loses guest ticks\n",
                             100 * cpu / wall, o.smp, cpu, wall);
  }
  return 1;
}

}  // namespace pristine::cli
