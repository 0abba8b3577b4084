// Per-handler cost accounting of one CPU. A record is opened when an event is
// delivered (before its delivery cost is charged) and closed by the iretq (or
// sysret) that returns from it: the first block that runs after it, in the
// interrupted context or the next task's. Nested deliveries are subtracted
// from their parent to give the exclusive cost.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/types.h"

namespace pristine::sim {

struct HandlerSamples {
  std::vector<std::uint64_t> cycles;            // inclusive of nested handlers
  std::vector<std::uint64_t> cycles_exclusive;
  std::vector<std::uint64_t> instructions;
  std::vector<std::uint64_t> instructions_exclusive;
};

class HandlerAccounting {
 public:
  void open(Vector vector, Cycles now, std::uint64_t instructions);
  // Close the innermost record. Returns false if none was open (an iretq that
  // returns from no delivery, e.g. the kernel's first entry into ring 3).
  bool close(Cycles now, std::uint64_t instructions);

  std::size_t depth() const { return stack_.size(); }
  // The vector of the innermost open record (depth() > 0).
  Vector innermost() const { return stack_.back().vector; }
  Cycles innermost_start() const { return stack_.back().start; }
  const std::array<HandlerSamples, 256>& samples() const { return samples_; }

 private:
  struct Open {
    Vector vector;
    Cycles start;
    std::uint64_t start_instructions;
    Cycles nested_cycles;
    std::uint64_t nested_instructions;
  };
  std::vector<Open> stack_;
  std::array<HandlerSamples, 256> samples_;
};

}  // namespace pristine::sim
