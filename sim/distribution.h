// Summary of a sample set: min, nearest-rank p50 and p99, max, mean and
// population standard deviation, read from its histogram
// (sim/sample_histogram.h): exact for every value below
// SampleHistogram::kExactLimit, so the figures are identical on every run
// and equal to sorting every sample.
#pragma once

#include <cstdint>

#include "sim/sample_histogram.h"

namespace pristine::sim {

struct Distribution {
  std::uint64_t min = 0, p50 = 0, p99 = 0, max = 0;
  double mean = 0, stddev = 0;

  static Distribution of(const SampleHistogram& samples) {
    if (samples.empty()) return {};
    return {samples.min(), samples.percentile(50), samples.percentile(99), samples.max(), samples.mean(),
            samples.stddev()};
  }
};

}  // namespace pristine::sim
