#include "sim/cli/sweep_range.h"

#include <fmt/format.h>

#include <limits>

#include "sim/cli/numbers.h"

namespace pristine::cli {

std::optional<SeedRange> parse_seed_range(std::string_view text, std::string& why) {
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    why = fmt::format("'{}' is not a seed range: expected FIRST..LAST (e.g. 1..1000, both included)", text);
    return std::nullopt;
  }
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::string part_why;
  const auto first = parse_whole_number(text.substr(0, dots), 0, kMax, part_why);
  if (!first) {
    why = fmt::format("'{}': the first seed: {}", text, part_why);
    return std::nullopt;
  }
  const auto last = parse_whole_number(text.substr(dots + 2), 0, kMax, part_why);
  if (!last) {
    why = fmt::format("'{}': the last seed: {}", text, part_why);
    return std::nullopt;
  }
  if (*last < *first) {
    why = fmt::format("'{}': the last seed is below the first (the range is FIRST..LAST, both included)", text);
    return std::nullopt;
  }
  if (*last - *first >= kMaxSweepSeeds) {
    why = fmt::format("'{}': {} seeds; one sweep runs at most {} (split the range)", text,
                      *last - *first == kMax ? std::string("2^64") : std::to_string(*last - *first + 1),
                      kMaxSweepSeeds);
    return std::nullopt;
  }
  return SeedRange{*first, *last};
}

std::optional<Shard> parse_shard(std::string_view text, std::string& why) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    why = fmt::format("'{}' is not a shard: expected INDEX/COUNT, 0-based (0/4 .. 3/4)", text);
    return std::nullopt;
  }
  std::string part_why;
  const auto count = parse_whole_number(text.substr(slash + 1), 1, kMaxShards, part_why);
  if (!count) {
    why = fmt::format("'{}': the shard count: {}", text, part_why);
    return std::nullopt;
  }
  const auto index = parse_whole_number(text.substr(0, slash), 0, *count - 1, part_why);
  if (!index) {
    why = fmt::format("'{}': the shard index (0-based, below the count): {}", text, part_why);
    return std::nullopt;
  }
  return Shard{*index, *count};
}

std::string describe(const SeedRange& range, const Shard& shard) {
  if (shard.whole()) return fmt::format("seeds {}..{}", range.first, range.last);
  return fmt::format("seeds {}..{}, shard {}/{}", range.first, range.last, shard.index, shard.count);
}

}  // namespace pristine::cli
