// The seeds of a sweep (`pristine sweep --seeds A..B`) and the share of them
// one shard runs (`--shard I/N`): docs/sweeps.md. Shards are 0-based, as
// Slurm's array task ids are: seed s belongs to shard (s - A) mod N, so every
// shard's seeds are spread over the whole range and a shard's run time does
// not depend on where the slow seeds sit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pristine::cli {

// One sweep at most this many seeds (a million seeds' results are a few tens
// of MB of JSON; a thousand times that would not fit a machine's memory).
inline constexpr std::uint64_t kMaxSweepSeeds = 1'000'000'000;
// Shards at most this many (a Slurm array job's largest size is site-set,
// typically 1001 to a few hundred thousand).
inline constexpr std::uint64_t kMaxShards = 1'000'000;

struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t count() const { return last - first + 1; }
  bool operator==(const SeedRange&) const = default;
};

struct Shard {
  std::uint64_t index = 0;  // 0-based
  std::uint64_t count = 1;  // 1: the whole range
  bool whole() const { return count == 1; }
  bool operator==(const Shard&) const = default;
};

// "A..B" with A <= B, both whole numbers, at most kMaxSweepSeeds seeds; or
// nullopt with the reason in `why`.
std::optional<SeedRange> parse_seed_range(std::string_view text, std::string& why);

// "I/N" with 0 <= I < N <= kMaxShards; or nullopt with the reason in `why`.
std::optional<Shard> parse_shard(std::string_view text, std::string& why);

inline bool in_shard(std::uint64_t seed, const SeedRange& range, const Shard& shard) {
  return seed >= range.first && seed <= range.last && (seed - range.first) % shard.count == shard.index;
}

// How many seeds of `range` shard `shard` runs (0 when there are more shards
// than seeds and this one is past the end).
inline std::uint64_t shard_size(const SeedRange& range, const Shard& shard) {
  const std::uint64_t n = range.count();
  return n / shard.count + (shard.index < n % shard.count ? 1 : 0);
}

std::string describe(const SeedRange& range, const Shard& shard);  // "seeds 1..20" or "seeds 1..20, shard 0/2"

}  // namespace pristine::cli
