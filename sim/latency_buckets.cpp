#include "sim/latency_buckets.h"

#include <bit>

namespace pristine::sim {

LatencyBucket latency_bucket_of(std::uint64_t value, unsigned sub_bits) {
  if (value < (std::uint64_t{1} << sub_bits)) return {value, value, 0};
  const unsigned octave = 63u - static_cast<unsigned>(std::countl_zero(value));
  const std::uint64_t width = std::uint64_t{1} << (octave - sub_bits);
  const std::uint64_t from = value & ~(width - 1);
  return {from, from + (width - 1), 0};
}

std::vector<LatencyBucket> latency_buckets(const SampleHistogram& samples, unsigned sub_bits) {
  std::vector<LatencyBucket> buckets;
  // Each of the histogram's buckets lies inside one of ours (its width is a
  // power of two no wider than ours, aligned to it): classify it by its low end.
  samples.for_each_bucket([&](std::uint64_t low, std::uint64_t, std::uint64_t count) {
    LatencyBucket bucket = latency_bucket_of(low, sub_bits);
    if (!buckets.empty() && buckets.back().from == bucket.from) {
      buckets.back().count += count;
    } else {
      bucket.count = count;
      buckets.push_back(bucket);
    }
  });
  return buckets;
}

}  // namespace pristine::sim
