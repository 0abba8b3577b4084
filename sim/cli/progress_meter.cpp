#include "sim/cli/progress_meter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace pristine::cli {
namespace {

constexpr auto kTerminalPeriod = std::chrono::milliseconds(100);
constexpr auto kLogPeriod = std::chrono::seconds(10);
constexpr int kBarWidth = 30;

std::string duration_text(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

ProgressMeter::ProgressMeter(std::string label, std::uint64_t total, std::string unit, bool failures,
                             bool quiet_if_short)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      failures_(failures),
      quiet_if_short_(quiet_if_short),
      terminal_(isatty(STDERR_FILENO) == 1) {}

std::string ProgressMeter::line(std::uint64_t done, std::uint64_t failed) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string eta;
  if (done > 0 && done < total_) {
    eta = fmt::format(", about {} left", duration_text(elapsed / static_cast<double>(done) *
                                                       static_cast<double>(total_ - done)));
  }
  return fmt::format("{}: {}/{} {}{}, {} elapsed{}", label_, done, total_, unit_,
                     failures_ ? fmt::format(", {} failed", failed) : "", duration_text(elapsed), eta);
}

void ProgressMeter::update(std::uint64_t done, std::uint64_t failed) {
  const Clock::time_point now = Clock::now();
  if (now - last_ < (terminal_ ? Clock::duration(kTerminalPeriod) : Clock::duration(kLogPeriod))) return;
  last_ = now;
  printed_ = true;
  if (!terminal_) {
    std::fprintf(stderr, "%s\n", line(done, failed).c_str());
    return;
  }
  const int filled = total_ == 0 ? kBarWidth : static_cast<int>(done * kBarWidth / total_);
  std::fprintf(stderr, "\r[%s%s] %s\x1b[K", std::string(filled, '#').c_str(),
               std::string(kBarWidth - filled, '.').c_str(), line(done, failed).c_str());
  std::fflush(stderr);
}

void ProgressMeter::finish(std::uint64_t done, std::uint64_t failed) {
  if (quiet_if_short_ && !printed_) return;
  std::fprintf(stderr, terminal_ ? "\r%s\x1b[K\n" : "%s\n", line(done, failed).c_str());
  std::fflush(stderr);
}

}  // namespace pristine::cli
