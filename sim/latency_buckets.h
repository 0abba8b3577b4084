// A path's samples grouped into a few buckets for reports and charts, read
// from its SampleHistogram (sim/sample_histogram.h), whose finer buckets each
// fall inside one of these.
//
// Log-linear: every power-of-two octave [2^k, 2^(k+1)) is split into
// 2^sub_bits equal buckets, and values below 2^sub_bits have a bucket each.
// sub_bits 0 gives log2 buckets (the PC kernel's, core/stats/path_stats.h:
// [0,1), [1,2), [2,4), [4,8), ...); the JSON report and the HTML page use
// kChartSubBits (2: four per octave, [256,320), [320,384), ...), the text
// report log2 (docs/reports.md).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/sample_histogram.h"

namespace pristine::sim {

struct LatencyBucket {
  std::uint64_t from = 0;  // inclusive
  std::uint64_t last = 0;  // inclusive (the exclusive end of the top bucket, 2^64, has no uint64)
  std::uint64_t count = 0;
  // The exclusive end, saturating at 2^64 - 1 for the top bucket.
  std::uint64_t to() const { return last == UINT64_MAX ? last : last + 1; }
  bool operator==(const LatencyBucket&) const = default;
};

inline constexpr unsigned kChartSubBits = 2;

// The bucket (its from and last) holding `value`. sub_bits at most
// SampleHistogram::kSubBucketBits.
LatencyBucket latency_bucket_of(std::uint64_t value, unsigned sub_bits);

// The buckets holding samples, ascending; their counts add up to
// samples.count().
std::vector<LatencyBucket> latency_buckets(const SampleHistogram& samples, unsigned sub_bits);

}  // namespace pristine::sim
