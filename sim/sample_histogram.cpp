#include "sim/sample_histogram.h"

#include <algorithm>
#include <cmath>

namespace pristine::sim {

static_assert(sizeof(SampleHistogram) == 56, "update the sizes in sim/sample_histogram.h");
static_assert(SampleHistogram::kBucketCount % SampleHistogram::kChunkSize == 0);
static_assert(SampleHistogram::bucket_of(UINT64_MAX) == SampleHistogram::kBucketCount - 1);
static_assert(SampleHistogram::bucket_high(SampleHistogram::kBucketCount - 1) == UINT64_MAX);
static_assert(SampleHistogram::bucket_of(SampleHistogram::kExactLimit) == SampleHistogram::kExactLimit);

SampleHistogram::SampleHistogram(const SampleHistogram& other)
    : count_(other.count_), sum_(other.sum_), min_(other.min_), max_(other.max_) {
  chunks_.reserve(other.chunks_.size());
  for (const auto& chunk : other.chunks_) chunks_.push_back(chunk ? std::make_unique<Chunk>(*chunk) : nullptr);
}

SampleHistogram& SampleHistogram::operator=(const SampleHistogram& other) {
  if (this != &other) *this = SampleHistogram(other);
  return *this;
}

// The table grows to the chunk needed, at least doubling (so growing is
// amortised), never past kChunkCount: its size is bounded by max_bytes().
void SampleHistogram::allocate(std::size_t chunk) {
  if (chunk >= chunks_.size()) {
    if (chunk >= chunks_.capacity()) {
      chunks_.reserve(std::min(kChunkCount, std::max(chunk + 1, 2 * chunks_.capacity())));
    }
    chunks_.resize(chunk + 1);
  }
  if (!chunks_[chunk]) chunks_[chunk] = std::make_unique<Chunk>();  // zeroed
}

void SampleHistogram::merge(const SampleHistogram& other) {
  if (other.empty()) return;
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  for (std::size_t c = 0; c < other.chunks_.size(); ++c) {
    if (!other.chunks_[c]) continue;
    allocate(c);
    Chunk& mine = *chunks_[c];
    const Chunk& theirs = *other.chunks_[c];
    for (std::size_t i = 0; i < kChunkSize; ++i) mine[i] += theirs[i];
  }
}

std::uint64_t SampleHistogram::representative(std::size_t bucket) const {
  if (bucket < kExactLimit) return bucket;
  const std::uint64_t low = bucket_low(bucket);
  const std::uint64_t middle = low + (bucket_high(bucket) - low) / 2;
  return std::clamp(middle, min_, max_);
}

std::uint64_t SampleHistogram::at_rank(std::uint64_t rank) const {
  if (empty()) return 0;
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  // The extremes are kept exactly.
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    if (!chunks_[c]) continue;
    const Chunk& chunk = *chunks_[c];
    for (std::size_t i = 0; i < kChunkSize; ++i) {
      seen += chunk[i];
      if (seen >= rank) return representative(c * kChunkSize + i);
    }
  }
  return max_;  // not reached: the counts add up to count_
}

std::uint64_t SampleHistogram::percentile(unsigned percent) const {
  if (empty()) return 0;
  // ceil(n * p / 100) without overflow for any n.
  const unsigned __int128 scaled = static_cast<unsigned __int128>(count_) * percent;
  const auto rank = static_cast<std::uint64_t>((scaled + 99) / 100);
  return at_rank(std::max<std::uint64_t>(rank, 1));
}

double SampleHistogram::mean() const {
  return empty() ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

double SampleHistogram::stddev() const {
  if (count_ < 2) return 0.0;
  const double m = mean();
  // Ascending bucket order: the same sum of the same terms on every run.
  long double squares = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    if (!chunks_[c]) continue;
    const Chunk& chunk = *chunks_[c];
    for (std::size_t i = 0; i < kChunkSize; ++i) {
      if (chunk[i] == 0) continue;
      const long double d = static_cast<long double>(representative(c * kChunkSize + i)) - m;
      squares += d * d * static_cast<long double>(chunk[i]);
    }
  }
  return static_cast<double>(std::sqrt(squares / static_cast<long double>(count_)));
}

std::size_t SampleHistogram::bytes() const {
  std::size_t total = sizeof(*this) + chunks_.capacity() * sizeof(std::unique_ptr<Chunk>);
  for (const auto& chunk : chunks_) {
    if (chunk) total += sizeof(Chunk);
  }
  return total;
}

}  // namespace pristine::sim
