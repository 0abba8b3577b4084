// Per-path cost statistics, accumulated in the hot path and reported in a cold
// path (seed 000's approved pattern). One instance per CPU per path, written
// only by its own CPU, so relaxed atomics suffice: they keep the compiler
// from tearing or caching the values a cold-path reader on another CPU loads.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/types.h"

namespace pristine {

class PathStats {
 public:
  void record(Cycles cost) {
    count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum_.store(sum_.load(std::memory_order_relaxed) + cost, std::memory_order_relaxed);
    if (cost < min_.load(std::memory_order_relaxed)) min_.store(cost, std::memory_order_relaxed);
    if (cost > max_.load(std::memory_order_relaxed)) max_.store(cost, std::memory_order_relaxed);
  }

  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  Cycles sum() const { return sum_.load(std::memory_order_relaxed); }
  Cycles min() const { return count() ? min_.load(std::memory_order_relaxed) : 0; }
  Cycles max() const { return max_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> count_{0};
  std::atomic<Cycles> sum_{0};
  std::atomic<Cycles> min_{~Cycles{0}};
  std::atomic<Cycles> max_{0};
};

}  // namespace pristine
