// Summary of a sample set: min, nearest-rank p50 and p99, max. Exact (all
// samples are kept), so the figures are identical on every run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pristine::sim {

struct Distribution {
  std::uint64_t min = 0, p50 = 0, p99 = 0, max = 0;

  static Distribution of(std::vector<std::uint64_t> samples) {
    if (samples.empty()) return {};
    std::sort(samples.begin(), samples.end());
    const auto rank = [&](unsigned percent) {
      const std::size_t n = samples.size();
      const std::size_t r = (n * percent + 99) / 100;  // ceil(n * p / 100), >= 1
      return samples[std::max<std::size_t>(r, 1) - 1];
    };
    return {samples.front(), rank(50), rank(99), samples.back()};
  }
};

}  // namespace pristine::sim
