// The invariants sink: every check the simulator runs, while the guest runs
// or at the end of the run, reports what it found here and only here. Some
// evidence is enough once per run (raise_once); the rest counts every time,
// but at most kMaxPerKind of one kind are kept: a kernel that repeats a
// violation for the whole run is reported by its first occurrences and a
// count of the others, in memory that does not grow with the run.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/report.h"
#include "sim/trace_recorder.h"

namespace pristine::sim {

class Violations {
 public:
  static constexpr std::size_t kMaxPerKind = 100;

  void raise(Violation v) {
    Kind& kind = kinds_[v.kind];
    if (kind.listed == kMaxPerKind) {
      ++kind.omitted;
      return;
    }
    ++kind.listed;
    list_.push_back(std::move(v));
    if (trace_) trace_->violation(list_.back());
  }

  // Every violation listed from now on is also a trace event.
  void trace_to(TraceRecorder* recorder) { trace_ = recorder; }

  // Recorded only if no violation of its kind was recorded before.
  void raise_once(Violation v) {
    if (!has(v.kind)) raise(std::move(v));
  }

  bool has(std::string_view kind) const { return kinds_.find(kind) != kinds_.end(); }

  void append(const std::vector<Violation>& more) {
    for (const Violation& v : more) raise(v);
  }

  // In the order raised; then, for each kind that had more than
  // kMaxPerKind, one more entry saying how many were left out.
  std::vector<Violation> list() const {
    std::vector<Violation> all = list_;
    for (const auto& [name, kind] : kinds_) {
      if (kind.omitted != 0) {
        all.push_back({.kind = name,
                       .message = fmt::format("{} more {} violation(s) not listed (the first {} are)", kind.omitted,
                                              name, kMaxPerKind)});
      }
    }
    return all;
  }

 private:
  struct Kind {
    std::size_t listed = 0;
    std::size_t omitted = 0;
  };
  std::vector<Violation> list_;
  std::map<std::string, Kind, std::less<>> kinds_;
  TraceRecorder* trace_ = nullptr;
};

}  // namespace pristine::sim
