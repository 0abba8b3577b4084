// The PC's clock: the TSC, its frequency measured against the PIT at boot.
// Under QEMU -icount shift=0 the TSC counts guest instructions.
#pragma once

#include <cstdint>

namespace pristine::pc {

inline std::uint64_t rdtsc() {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (std::uint64_t{hi} << 32) | lo;
}

// Cold path, once: measure the TSC over 10 ms of PIT time.
void calibrate_tsc();
std::uint64_t tsc_hz();

}  // namespace pristine::pc
