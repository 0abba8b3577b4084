// Per-path cost statistics, accumulated in the hot path and reported in a cold
// path (seed 000's approved pattern). One instance per CPU per path, written
// only by its own CPU with interrupts off. A single writer needs no atomic
// read-modify-write: each update is one memory-destination add or compare,
// which an interrupt cannot split. Readers are cold paths that run once the
// writer has stopped (the shutdown report runs after stop-all) or the
// simulator, which reads guest memory between instructions.
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine {

class PathStats {
 public:
  // The counters are plain integers: min/max then compile to cmov.
  void record(Cycles cost) {
    const std::uint64_t c = cost;
    count_ += 1;
    sum_ += c;
    if (c < min_) min_ = c;
    if (c > max_) max_ = c;
  }

  std::uint64_t count() const { return count_; }
  Cycles sum() const { return Cycles{sum_}; }
  Cycles min() const { return Cycles{count_ ? min_ : 0}; }
  Cycles max() const { return Cycles{max_}; }

 private:
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  std::uint64_t max_ = 0;
};

// One path's two outcomes: it resumed the context it interrupted, or it
// switched tasks ("+switch" in reports).
struct PathRecord {
  PathStats plain;
  PathStats switched;
};

// PathStats plus a log2 histogram, for the few paths whose percentiles the
// shutdown report shows (context switches). p50/p99 are bucket upper bounds.
class PathHistogram {
 public:
  void record(Cycles cost) {
    stats_.record(cost);
    buckets_[cost == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(cost))] += 1;
  }

  const PathStats& stats() const { return stats_; }

  // Bucket b holds the costs whose bit length is b: 0 in bucket 0, then
  // [2^(b-1), 2^b - 1].
  static constexpr unsigned kBuckets = 65;
  std::uint64_t bucket(unsigned b) const { return buckets_[b]; }
  static Cycles bucket_low(unsigned b) { return Cycles{b == 0 ? 0 : std::uint64_t{1} << (b - 1)}; }
  static Cycles bucket_high(unsigned b) {
    return Cycles{b == 0 ? 0 : (b >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << b) - 1)};
  }

  // Upper bound (2^k - 1) of the bucket holding the `percent`-th percentile.
  Cycles percentile_bound(unsigned percent) const {
    const std::uint64_t total = stats_.count();
    if (total == 0) return Cycles{0};
    const std::uint64_t rank = (total * percent + 99) / 100;
    std::uint64_t seen = 0;
    for (unsigned b = 0; b < kBuckets; ++b) {
      seen += buckets_[b];
      if (seen >= rank) return bucket_high(b);
    }
    return stats_.max();
  }

 private:
  PathStats stats_;
  std::uint64_t buckets_[kBuckets] = {};
};

}  // namespace pristine
