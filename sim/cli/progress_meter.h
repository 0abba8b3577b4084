// Progress of a long run on standard error: a bar redrawn in place when
// standard error is a terminal, plain lines every few seconds otherwise (a CI
// log keeps every line). Standard output is left alone: it carries the
// result, which must not depend on timing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pristine::cli {

class ProgressMeter {
 public:
  // `unit` names what is counted ("seeds run"); `failures` whether failures
  // are shown; `quiet_if_short`: print nothing at all for a run that ends
  // before the first update is due (a short simulation says nothing).
  ProgressMeter(std::string label, std::uint64_t total, std::string unit = "seeds run", bool failures = true,
                bool quiet_if_short = false);
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // `done` of the total finished, `failed` of them failed.
  void update(std::uint64_t done, std::uint64_t failed);
  // The last figures, and the bar's line ended.
  void finish(std::uint64_t done, std::uint64_t failed);

 private:
  using Clock = std::chrono::steady_clock;
  std::string line(std::uint64_t done, std::uint64_t failed) const;

  std::string label_;
  std::uint64_t total_;
  std::string unit_;
  bool failures_;
  bool quiet_if_short_;
  bool printed_ = false;
  bool terminal_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace pristine::cli
