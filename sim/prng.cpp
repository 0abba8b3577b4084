#include "sim/prng.h"

#include <limits>

namespace pristine::sim {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Prng::Prng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::uint64_t& word : s_) word = splitmix64(state);
}

Prng Prng::for_stream(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed;
  const std::uint64_t mixed_seed = splitmix64(state);
  std::uint64_t stream_state = stream ^ 0x5851F42D4C957F2Dull;
  return Prng(mixed_seed ^ splitmix64(stream_state));
}

// xoshiro256** (Blackman and Vigna, 2018).
std::uint64_t Prng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Prng::uniform_open0() {
  // 53 random bits -> (0, 1]: (k + 1) / 2^53 for k in [0, 2^53).
  return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;
}

std::uint64_t Prng::exponential(double mean) {
  const double value = mean * deterministic_neg_log(uniform_open0()) + 0.5;  // round half up
  if (!(value >= 1.0)) return 1;                                             // also NaN, mean <= 0
  if (value >= 0x1p64) return UINT64_MAX;  // the cast would be undefined
  return static_cast<std::uint64_t>(value);
}

double deterministic_neg_log(double x) {
  if (x >= 1.0) return 0.0;
  if (x != x) return x;                                               // NaN
  if (x <= 0.0) return std::numeric_limits<double>::infinity();      // -ln(0); also stops the loop
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), found by exact scaling by two.
  // Centring m on 1 keeps ln(m) free of cancellation for x near 1, where a
  // [1, 2) mantissa would compute ln(2 - tiny) - ln 2 and lose every digit.
  int e = 0;
  double m = x;
  while (m < 1.0) {
    m *= 2.0;
    --e;
  }
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172 (m - 1 is exact):
  // 2 s (1 + s^2/3 + s^4/5 + ...), Horner from the smallest term; s^2 < 0.03,
  // so 16 terms are far below one ulp.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 0.0;
  for (int k = 16; k >= 0; --k) p = p * s2 + 1.0 / (2 * k + 1);
  const double ln_m = 2.0 * s * p;
  // ln 2 split in two (fdlibm's constants) so that e * kLn2Hi is exact.
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return -(de * kLn2Hi + (de * kLn2Lo + ln_m));
}

}  // namespace pristine::sim
