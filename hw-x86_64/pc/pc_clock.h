// The PC's clocks: the TSC (machine::now()) and the LAPIC timer (the one-shot
// tick), both measured against the PIT at boot. Under QEMU -icount shift=0 the
// TSC counts guest instructions.
#pragma once

#include <cstdint>

namespace pristine::pc {

inline std::uint64_t rdtsc() {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (std::uint64_t{hi} << 32) | lo;
}

struct ClockRates {
  std::uint64_t tsc_hz;
  std::uint64_t lapic_timer_hz;
};

// Cold path, once, with the LAPIC timer free-running (lapic_init): measure the
// TSC and the LAPIC timer over one 10 ms PIT window. Remembers the TSC rate
// for tsc_hz().
ClockRates calibrate_clocks();
std::uint64_t tsc_hz();

}  // namespace pristine::pc
