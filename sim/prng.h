// The simulator's only source of randomness: xoshiro256** seeded through splitmix64.
// Both algorithms are fully specified integer arithmetic, so a seed gives the same
// stream on every machine and compiler (std:: distributions do not promise that).
#pragma once

#include <cstdint>

namespace pristine::sim {

class Prng {
 public:
  explicit Prng(std::uint64_t seed);
  // An independent stream per consumer (e.g. per event source), so adding a source
  // does not shift the draws of the others.
  static Prng for_stream(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next();
  // Uniform in (0, 1]: never 0, so -log(u) is finite.
  double uniform_open0();
  // Exponentially distributed value with the given mean, using only IEEE basic
  // operations (no libm), rounded to whole cycles, at least 1.
  std::uint64_t exponential(double mean);

 private:
  std::uint64_t s_[4];
};

// -ln(x) for x in (0, 1], computed with +,-,*,/ only so that it is bit-identical on
// every IEEE-754 machine (libm's log is not guaranteed to be).
double deterministic_neg_log(double x);

}  // namespace pristine::sim
