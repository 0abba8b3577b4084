#include "sim/prng.h"

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
  const double value = mean * deterministic_neg_log(uniform_open0()) + 0.5;
  return value < 1.0 ? 1 : static_cast<std::uint64_t>(value);
}

double deterministic_neg_log(double x) {
  if (x >= 1.0) return 0.0;
  // x = m * 2^e with m in [1, 2), found by exact scaling by powers of two.
  int e = 0;
  double m = x;
  while (m < 1.0) {
    m *= 2.0;
    --e;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1) in [0, 1/3): the series converges fast.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 1; k < 80; k += 2) {
    sum += term / k;
    term *= s2;
  }
  constexpr double kLn2 = 0.693147180559945309417232121458176568;
  return -(2.0 * sum + e * kLn2);
}

}  // namespace pristine::sim
