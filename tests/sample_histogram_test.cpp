// Per-path statistics in bounded memory (sim/sample_histogram.h): the
// percentiles equal sorting every sample below the exact bound and stay
// within the stated relative error above it; merging equals recording both;
// the footprint does not grow with the number of samples.
#include "sim/sample_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/distribution.h"
#include "sim/handler_accounting.h"
#include "sim/latency_buckets.h"

namespace pristine::sim {
namespace {

// xorshift64*: fast and deterministic.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
  }
  std::uint64_t between(std::uint64_t low, std::uint64_t high) { return low + next() % (high - low + 1); }
  // Spread over every octave from 2^16 to 2^64 - 1.
  std::uint64_t large() {
    const unsigned octave = 16 + static_cast<unsigned>(next() % 48);
    const std::uint64_t base = std::uint64_t{1} << octave;
    return base + next() % base;
  }
};

// The definition the report always used: sort, rank = ceil(n * p / 100), >= 1.
std::uint64_t nearest_rank(std::vector<std::uint64_t> samples, unsigned percent) {
  std::sort(samples.begin(), samples.end());
  const std::size_t r = (samples.size() * percent + 99) / 100;
  return samples[std::max<std::size_t>(r, 1) - 1];
}

constexpr unsigned kPercents[] = {0, 1, 10, 25, 50, 75, 90, 99, 100};

TEST(SampleHistogram, EmptyReportsZeros) {
  const SampleHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.bytes(), sizeof(SampleHistogram)) << "no bucket storage until a sample arrives";
  const Distribution d = Distribution::of(h);
  EXPECT_EQ(d.min, 0u);
  EXPECT_EQ(d.max, 0u);
}

TEST(SampleHistogram, PercentilesInTheExactRangeEqualSorting) {
  Random random{0x9E3779B97F4A7C15ULL};
  for (const std::size_t n : {1, 2, 3, 99, 100, 101, 1000, 4567, 100000}) {
    for (const bool hot_path_like : {false, true}) {
      std::vector<std::uint64_t> samples;
      SampleHistogram h;
      std::uint64_t sum = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t v = hot_path_like ? random.between(150, 3000) : random.between(0, SampleHistogram::kExactLimit - 1);
        samples.push_back(v);
        h.record(v);
        sum += v;
      }
      ASSERT_EQ(h.count(), n);
      EXPECT_EQ(h.sum(), sum);
      EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
      EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
      for (const unsigned p : kPercents) EXPECT_EQ(h.percentile(p), nearest_rank(samples, p)) << "n " << n << " p" << p;
      if (n <= 4567) {
        std::vector<std::uint64_t> sorted = samples;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t rank = 1; rank <= n; ++rank) ASSERT_EQ(h.at_rank(rank), sorted[rank - 1]) << "rank " << rank;
      }
    }
  }
}

TEST(SampleHistogram, DistributionIsNearestRank) {
  SampleHistogram h;
  for (std::uint64_t i = 1; i <= 200; ++i) h.record(201 - i);
  const Distribution d = Distribution::of(h);
  EXPECT_EQ(d.min, 1u);
  EXPECT_EQ(d.p50, 100u);
  EXPECT_EQ(d.p99, 198u);
  EXPECT_EQ(d.max, 200u);
}

// Above the exact range: within 1/2048 of the true nearest-rank value (the
// stated bound, < 0.05 %); min and max exact.
void expect_within_bound(const SampleHistogram& h, const std::vector<std::uint64_t>& samples) {
  EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
  for (unsigned p = 0; p <= 100; ++p) {
    const std::uint64_t exact = nearest_rank(samples, p);
    const std::uint64_t got = h.percentile(p);
    const std::uint64_t error = got > exact ? got - exact : exact - got;
    EXPECT_LE(error, exact >> 11) << "p" << p << ": " << got << " for " << exact;
    EXPECT_LE(static_cast<double>(error), static_cast<double>(exact) * 0.001) << "p" << p;
  }
}

TEST(SampleHistogram, PercentilesAboveTheExactRangeStayWithinTheBound) {
  Random random{12345};
  for (const std::size_t n : {1, 7, 100, 1001, 50000}) {
    std::vector<std::uint64_t> samples;
    SampleHistogram h;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t v = random.large();
      samples.push_back(v);
      h.record(v);
    }
    expect_within_bound(h, samples);
  }
}

TEST(SampleHistogram, ValuesNearTheTopOfTheRange) {
  std::vector<std::uint64_t> samples = {UINT64_MAX,           UINT64_MAX - 1,       UINT64_MAX - 12345678,
                                        std::uint64_t{1} << 63, (std::uint64_t{1} << 63) - 1,
                                        (std::uint64_t{1} << 63) + 1, UINT64_MAX / 3, UINT64_MAX - (UINT64_MAX >> 11)};
  SampleHistogram h;
  for (const std::uint64_t v : samples) h.record(v);
  EXPECT_EQ(h.max(), UINT64_MAX);
  expect_within_bound(h, samples);
  // Mixed with exact-range values, those stay exact.
  Random random{99};
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t v = random.between(0, 5000);
    samples.push_back(v);
    h.record(v);
  }
  for (const unsigned p : {1u, 10u, 50u, 90u}) EXPECT_EQ(h.percentile(p), nearest_rank(samples, p)) << "p" << p;
  expect_within_bound(h, samples);
}

TEST(SampleHistogram, BucketsTileTheWholeRange) {
  EXPECT_EQ(SampleHistogram::bucket_of(0), 0u);
  EXPECT_EQ(SampleHistogram::bucket_of(UINT64_MAX), SampleHistogram::kBucketCount - 1);
  for (std::size_t b = 0; b + 1 < SampleHistogram::kBucketCount; ++b) {
    ASSERT_EQ(SampleHistogram::bucket_high(b) + 1, SampleHistogram::bucket_low(b + 1)) << b;
    ASSERT_EQ(SampleHistogram::bucket_of(SampleHistogram::bucket_low(b)), b);
    ASSERT_EQ(SampleHistogram::bucket_of(SampleHistogram::bucket_high(b)), b);
    // Relative width at most 2^-10 of the bucket's smallest value.
    if (b >= SampleHistogram::kExactLimit) {
      ASSERT_LE(SampleHistogram::bucket_high(b) - SampleHistogram::bucket_low(b) + 1,
                SampleHistogram::bucket_low(b) >> 10);
    }
  }
  EXPECT_EQ(SampleHistogram::bucket_high(SampleHistogram::kBucketCount - 1), UINT64_MAX);
}

void expect_same(const SampleHistogram& a, const SampleHistogram& b) {
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.sum(), b.sum());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  for (unsigned p = 0; p <= 100; ++p) EXPECT_EQ(a.percentile(p), b.percentile(p)) << "p" << p;
  for (std::uint64_t rank = 1; rank <= a.count(); rank += 1 + a.count() / 500) {
    EXPECT_EQ(a.at_rank(rank), b.at_rank(rank)) << "rank " << rank;
  }
}

TEST(SampleHistogram, MergeEqualsRecordingBoth) {
  Random random{7};
  SampleHistogram first, second, both;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t v = i % 10 == 0 ? random.large() : random.between(100, 4000);
    (i % 3 == 0 ? first : second).record(v);
    both.record(v);
  }
  SampleHistogram merged = first;
  merged.merge(second);
  expect_same(merged, both);
  SampleHistogram other_order = second;
  other_order.merge(first);
  expect_same(other_order, both);
  SampleHistogram from_empty;
  from_empty.merge(both);
  expect_same(from_empty, both);
  SampleHistogram with_empty = both;
  with_empty.merge(SampleHistogram{});
  expect_same(with_empty, both);
  const Distribution d = Distribution::of(merged), e = Distribution::of(both);
  EXPECT_EQ(d.p50, e.p50);
  EXPECT_EQ(d.p99, e.p99);
}

TEST(SampleHistogram, CopyIsDeep) {
  SampleHistogram a;
  a.record(10);
  a.record(70000);
  SampleHistogram b = a;
  b.record(5);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(b.count(), 3u);
  EXPECT_EQ(b.min(), 5u);
  a = b;
  expect_same(a, b);
}

// Memory depends on which values were seen, not on how many samples.
TEST(SampleHistogram, MemoryDoesNotGrowWithTheNumberOfSamples) {
  Random random{2026};
  SampleHistogram h;
  h.record(UINT64_MAX);  // a far outlier, then hot-path-like values
  h.record(1u << 20);
  for (int i = 0; i < 998; ++i) h.record(random.between(100, 3000));
  const std::size_t after_1000 = h.bytes();
  EXPECT_GT(after_1000, sizeof(SampleHistogram));
  EXPECT_LT(after_1000, 64u * 1024) << "a thousand hot-path samples take a few chunks";
  for (int i = 0; i < 10'000'000; ++i) h.record(random.between(100, 3000));
  EXPECT_EQ(h.count(), 10'001'000u);
  EXPECT_EQ(h.bytes(), after_1000) << "ten million more samples of the same values";
}

TEST(SampleHistogram, FootprintIsBoundedWhateverIsRecorded) {
  SampleHistogram h;
  for (std::size_t b = 0; b < SampleHistogram::kBucketCount; ++b) {
    h.record(SampleHistogram::bucket_low(b));
    ASSERT_LE(h.bytes(), SampleHistogram::max_bytes());
  }
  EXPECT_EQ(h.bytes(), SampleHistogram::max_bytes()) << "every bucket used: the bound, exactly";
  EXPECT_LT(SampleHistogram::max_bytes(), 1024u * 1024);
  SampleHistogram merged;
  merged.merge(h);
  merged.merge(h);
  EXPECT_LE(merged.bytes(), SampleHistogram::max_bytes());
}

// A long run of handler records: the accounting's footprint is reached early
// and stays constant.
TEST(SampleHistogram, HandlerAccountingFootprintStaysConstantOverALongRun) {
  HandlerAccounting a;
  Cycles now = 0;
  std::uint64_t instructions = 0, switches = 0;
  std::size_t warmed_up = 0;
  constexpr int kRecords = 2'000'000;
  for (int i = 0; i < kRecords; ++i) {
    // A tick, sometimes with a device interrupt nested in it, sometimes a
    // system call, sometimes switching; costs cycle through a fixed set.
    const PathId path = i % 5 == 0 ? syscall_path(4) : 0x30;
    a.open(path, now, instructions, switches);
    now += 100 + (i * 37) % 1500;
    instructions += 20 + (i * 13) % 400;
    a.note_clock_read(instructions, now);
    if (i % 7 == 0) {
      a.open(0x41, now, instructions, switches);
      now += 300 + i % 200;
      instructions += 50 + i % 60;
      a.close(now, instructions, switches);
    }
    now += 50;
    instructions += 9;
    a.note_clock_read(instructions, now);
    if (i % 11 == 0) ++switches;
    a.close(now, instructions, switches);
    if (i == 100'000) warmed_up = a.bytes();
  }
  EXPECT_EQ(a.samples(0x30, false).cycles.count() + a.samples(0x30, true).cycles.count() +
                a.samples(syscall_path(4), false).cycles.count() + a.samples(syscall_path(4), true).cycles.count(),
            static_cast<std::uint64_t>(kRecords));
  EXPECT_GT(warmed_up, sizeof(HandlerAccounting));
  EXPECT_EQ(a.bytes(), warmed_up) << "20 times more records, the same memory";
}

// Mean and population standard deviation against a set worked by hand:
// 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and standard deviation 2.
TEST(SampleHistogram, MeanAndStddevOfAKnownSet) {
  SampleHistogram h;
  for (std::uint64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  EXPECT_DOUBLE_EQ(h.mean(), 5.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 2.0);
  const Distribution d = Distribution::of(h);
  EXPECT_DOUBLE_EQ(d.mean, 5.0);
  EXPECT_DOUBLE_EQ(d.stddev, 2.0);
}

// Against the two-pass formula over every sample, for a spread of hot-path
// sized values (all below kExactLimit: exact); one sample or none has 0.
TEST(SampleHistogram, StddevMatchesTheDirectFormulaBelowTheExactLimit) {
  SampleHistogram h;
  std::vector<std::uint64_t> samples;
  for (std::uint64_t i = 0; i < 5000; ++i) samples.push_back(200 + (i * 7919) % 3001);
  for (std::uint64_t v : samples) h.record(v);
  double sum = 0;
  for (std::uint64_t v : samples) sum += static_cast<double>(v);
  const double mean = sum / static_cast<double>(samples.size());
  double squares = 0;
  for (std::uint64_t v : samples) squares += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  EXPECT_DOUBLE_EQ(h.mean(), mean);
  EXPECT_NEAR(h.stddev(), std::sqrt(squares / static_cast<double>(samples.size())), 1e-9);
  SampleHistogram one;
  one.record(123);
  EXPECT_EQ(one.stddev(), 0.0);
  EXPECT_EQ(SampleHistogram().stddev(), 0.0);
  EXPECT_EQ(SampleHistogram().mean(), 0.0);
}

// Above the exact limit a sample counts as its bucket's middle: within the
// bucket's width (1/1024 of the octave) of the truth.
TEST(SampleHistogram, StddevAboveTheExactLimitIsWithinTheBucketWidth) {
  SampleHistogram h;
  h.record(1'000'000);
  h.record(3'000'000);
  EXPECT_DOUBLE_EQ(h.mean(), 2'000'000.0);
  EXPECT_NEAR(h.stddev(), 1'000'000.0, 3'000'000.0 / 1024);
}

TEST(LatencyBuckets, Log2BucketsAreOctaves) {
  EXPECT_EQ(latency_bucket_of(0, 0), (LatencyBucket{0, 0, 0}));
  EXPECT_EQ(latency_bucket_of(1, 0), (LatencyBucket{1, 1, 0}));
  EXPECT_EQ(latency_bucket_of(3, 0), (LatencyBucket{2, 3, 0}));
  EXPECT_EQ(latency_bucket_of(300, 0), (LatencyBucket{256, 511, 0}));
  EXPECT_EQ(latency_bucket_of(UINT64_MAX, 0).from, std::uint64_t{1} << 63);
  EXPECT_EQ(latency_bucket_of(UINT64_MAX, 0).to(), UINT64_MAX);
}

TEST(LatencyBuckets, ChartBucketsSplitEachOctaveInFour) {
  EXPECT_EQ(latency_bucket_of(3, kChartSubBits), (LatencyBucket{3, 3, 0}));
  EXPECT_EQ(latency_bucket_of(7, kChartSubBits), (LatencyBucket{7, 7, 0}));
  EXPECT_EQ(latency_bucket_of(9, kChartSubBits), (LatencyBucket{8, 9, 0}));
  EXPECT_EQ(latency_bucket_of(300, kChartSubBits), (LatencyBucket{256, 319, 0}));
  EXPECT_EQ(latency_bucket_of(511, kChartSubBits), (LatencyBucket{448, 511, 0}));
  EXPECT_EQ(latency_bucket_of(100'000, kChartSubBits), (LatencyBucket{98'304, 114'687, 0}));
}

// The buckets are ascending, non-empty, and count every sample, whichever
// side of the exact limit they fell on.
TEST(LatencyBuckets, CountsAddUpToTheSamples) {
  SampleHistogram h;
  for (std::uint64_t v : {0, 1, 2, 3, 300, 301, 319, 320, 511, 512, 70'000, 70'001, 1'000'000}) h.record(v);
  const auto log2 = latency_buckets(h, 0);
  const std::vector<LatencyBucket> expected{{0, 0, 1},       {1, 1, 1},         {2, 3, 2},
                                            {256, 511, 5},   {512, 1023, 1},    {65'536, 131'071, 2},
                                            {524'288, 1'048'575, 1}};
  EXPECT_EQ(log2, expected);
  const auto chart = latency_buckets(h, kChartSubBits);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < chart.size(); ++i) {
    EXPECT_NE(chart[i].count, 0u);
    if (i > 0) {
      EXPECT_GT(chart[i].from, chart[i - 1].last);
    }
    total += chart[i].count;
  }
  EXPECT_EQ(total, h.count());
  EXPECT_EQ(chart[4], (LatencyBucket{256, 319, 3}));
  EXPECT_EQ(chart[5], (LatencyBucket{320, 383, 1}));
  EXPECT_TRUE(latency_buckets(SampleHistogram(), 0).empty());
}

}  // namespace
}  // namespace pristine::sim
