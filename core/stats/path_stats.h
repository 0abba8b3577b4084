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

namespace pristine {

// PathStats plus a log2 histogram, for the few paths whose percentiles the
// shutdown report shows (context switches). p50/p99 are bucket upper bounds.
class PathHistogram {
 public:
  void record(Cycles cost) {
    stats_.record(cost);
    const unsigned bucket = cost == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(cost));
    buckets_[bucket].store(buckets_[bucket].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  const PathStats& stats() const { return stats_; }

  // Upper bound (2^k - 1) of the bucket holding the `percent`-th percentile.
  Cycles percentile_bound(unsigned percent) const {
    const std::uint64_t total = stats_.count();
    if (total == 0) return 0;
    const std::uint64_t rank = (total * percent + 99) / 100;
    std::uint64_t seen = 0;
    for (unsigned b = 0; b < kBuckets; ++b) {
      seen += buckets_[b].load(std::memory_order_relaxed);
      if (seen >= rank) return b == 0 ? 0 : (b >= 64 ? ~Cycles{0} : (Cycles{1} << b) - 1);
    }
    return stats_.max();
  }

 private:
  static constexpr unsigned kBuckets = 65;
  PathStats stats_;
  std::atomic<std::uint64_t> buckets_[kBuckets] = {};
};

}  // namespace pristine
