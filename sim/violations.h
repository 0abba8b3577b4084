// The invariants sink: every check the simulator runs, while the guest runs
// or at the end of the run, reports what it found here and only here. Some
// evidence is enough once per run (raise_once); the rest counts every time.
#pragma once

#include <string_view>
#include <vector>

#include "sim/report.h"

namespace pristine::sim {

class Violations {
 public:
  void raise(Violation v) { list_.push_back(std::move(v)); }

  // Recorded only if no violation of its kind was recorded before.
  void raise_once(Violation v) {
    if (!has(v.kind)) list_.push_back(std::move(v));
  }

  bool has(std::string_view kind) const {
    for (const Violation& v : list_) {
      if (v.kind == kind) return true;
    }
    return false;
  }

  void append(const std::vector<Violation>& more) { list_.insert(list_.end(), more.begin(), more.end()); }

  const std::vector<Violation>& list() const { return list_; }

 private:
  std::vector<Violation> list_;
};

}  // namespace pristine::sim
