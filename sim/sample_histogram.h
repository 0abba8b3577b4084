// A sample set kept in bounded memory: count, sum, exact min and max, and a
// histogram from which nearest-rank percentiles are read (sim/distribution.h).
//
// Buckets: every value below kExactLimit (65 536) has a bucket of its own, so
// percentiles there are exact (every hot path is far below it: the budget
// gate is 1 000 cycles, the longest path a few thousand). From kExactLimit up
// to 2^64 - 1 each power-of-two octave is split into 1 024 equal buckets
// (log-linear, as HdrHistogram): a value there is reported as the middle of
// its bucket, clamped to [min, max], within 1/2048 (< 0.05 %) of the true
// one. Any uint64 value can be recorded.
//
// Memory: the 114 688 counters are grouped in chunks of 64 (512 bytes), each
// allocated when the first value falls in it; the table of chunk pointers
// grows up to the highest chunk used. A set with no samples costs only the
// object (sizeof = 56 bytes); a hot path whose values span a few hundred
// cycles, a few chunks (~2-4 KiB). The bound, whatever is recorded:
// max_bytes() = 56 + 1 792 * (8 + 512) bytes, about 0.9 MiB. bytes() reports
// the current footprint; it depends on which values were seen, never on how
// many samples.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace pristine::sim {

class SampleHistogram {
 public:
  static constexpr unsigned kExactBits = 16;
  static constexpr std::uint64_t kExactLimit = std::uint64_t{1} << kExactBits;
  static constexpr unsigned kSubBucketBits = 10;  // 1 024 buckets per octave above kExactLimit
  static constexpr std::size_t kBucketCount =
      kExactLimit + (std::size_t{64 - kExactBits} << kSubBucketBits);  // 114 688
  static constexpr std::size_t kChunkSize = 64;
  static constexpr std::size_t kChunkCount = kBucketCount / kChunkSize;  // 1 792

  SampleHistogram() = default;
  SampleHistogram(const SampleHistogram& other);
  SampleHistogram& operator=(const SampleHistogram& other);
  SampleHistogram(SampleHistogram&&) noexcept = default;
  SampleHistogram& operator=(SampleHistogram&&) noexcept = default;

  void record(std::uint64_t value) {
    ++count_;
    sum_ += value;  // wraps modulo 2^64, as a running uint64 sum does
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
    const std::size_t bucket = bucket_of(value);
    const std::size_t chunk = bucket / kChunkSize;
    if (chunk >= chunks_.size() || !chunks_[chunk]) allocate(chunk);
    ++(*chunks_[chunk])[bucket % kChunkSize];
  }
  // As if every sample of `other` had been recorded here too.
  void merge(const SampleHistogram& other);

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::uint64_t sum() const { return sum_; }
  std::uint64_t min() const { return empty() ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  // The arithmetic mean, sum / count (0 if empty).
  double mean() const;
  // The population standard deviation, from the buckets around mean(): exact
  // (to double rounding) when every sample is below kExactLimit; above it,
  // each sample counts as the middle of its bucket.
  double stddev() const;
  // The nearest-rank percentile: the sample at rank ceil(count * percent /
  // 100) (at least 1) in ascending order; 0 if empty. Exact below
  // kExactLimit. Linear in the number of chunks.
  std::uint64_t percentile(unsigned percent) const;
  // The sample at `rank` (1 = the smallest) in ascending order, rank in
  // [1, count()].
  std::uint64_t at_rank(std::uint64_t rank) const;

  // Calls visit(low, high, count) for every bucket holding samples, in
  // ascending order: its smallest and largest value and how many it holds.
  template <class Visit>
  void for_each_bucket(Visit&& visit) const {
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      if (!chunks_[c]) continue;
      const Chunk& chunk = *chunks_[c];
      for (std::size_t i = 0; i < kChunkSize; ++i) {
        if (chunk[i] != 0) visit(bucket_low(c * kChunkSize + i), bucket_high(c * kChunkSize + i), chunk[i]);
      }
    }
  }

  // Bytes held: the object, the chunk table and the chunks allocated.
  std::size_t bytes() const;
  static constexpr std::size_t max_bytes() {
    return sizeof(SampleHistogram) + kChunkCount * (sizeof(std::unique_ptr<Chunk>) + sizeof(Chunk));
  }

  // The bucket of a value, and the smallest and largest value of a bucket.
  static constexpr std::size_t bucket_of(std::uint64_t value) {
    if (value < kExactLimit) return static_cast<std::size_t>(value);
    const unsigned octave = 63u - static_cast<unsigned>(std::countl_zero(value));  // kExactBits..63
    const std::uint64_t sub = (value >> (octave - kSubBucketBits)) - (std::uint64_t{1} << kSubBucketBits);
    return static_cast<std::size_t>(kExactLimit + (std::uint64_t{octave - kExactBits} << kSubBucketBits) + sub);
  }
  static constexpr std::uint64_t bucket_low(std::size_t bucket) {
    if (bucket < kExactLimit) return bucket;
    const std::size_t j = bucket - kExactLimit;
    const unsigned octave = kExactBits + static_cast<unsigned>(j >> kSubBucketBits);
    const std::uint64_t sub = j & ((std::size_t{1} << kSubBucketBits) - 1);
    return ((std::uint64_t{1} << kSubBucketBits) + sub) << (octave - kSubBucketBits);
  }
  static constexpr std::uint64_t bucket_high(std::size_t bucket) {
    if (bucket < kExactLimit) return bucket;
    const unsigned octave = kExactBits + static_cast<unsigned>((bucket - kExactLimit) >> kSubBucketBits);
    return bucket_low(bucket) + ((std::uint64_t{1} << (octave - kSubBucketBits)) - 1);
  }

 private:
  using Chunk = std::array<std::uint64_t, kChunkSize>;
  void allocate(std::size_t chunk);
  // The value reported for a bucket: itself below kExactLimit, else the
  // middle of the bucket, within [min, max].
  std::uint64_t representative(std::size_t bucket) const;

  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  std::vector<std::unique_ptr<Chunk>> chunks_;  // indexed by chunk; null until used
};

}  // namespace pristine::sim
