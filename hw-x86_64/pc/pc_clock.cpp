#include "hw-x86_64/pc/pc_clock.h"

#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pit.h"

namespace pristine::pc {
namespace {

std::uint64_t g_tsc_hz = 0;

// The three clocks read at (nearly) one instant. Under TCG the host may
// deschedule QEMU at any point; the PIT, the LAPIC timer and the TSC all
// follow host time, so a pause *between* two samples only lengthens the
// window, and each sample is bracketed by two TSC reads to reject a pause
// *inside* it. (A "wait for terminal count" calibration has no such defence:
// a pause at either edge of the window inflates every rate.)
struct Sample {
  std::uint64_t tsc;    // midpoint of the bracket
  std::uint64_t width;  // bracket length: how far `tsc` may be from the reads
  std::uint16_t pit;
  std::uint32_t lapic;
};

Sample take_sample() {
  Sample best{0, ~std::uint64_t{0}, 0, 0};
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t before = rdtsc();
    const std::uint16_t pit = pit_count();
    const std::uint32_t lapic = lapic_timer_count();
    const std::uint64_t after = rdtsc();
    if (after - before < best.width) best = {before + (after - before) / 2, after - before, pit, lapic};
  }
  return best;
}

constexpr std::uint32_t kWindowPitTicks = kPitHz / 100;  // 10 ms

}  // namespace

ClockRates calibrate_clocks() {
  Sample start{}, end{};
  // The countdown lasts ~55 ms; a host pause long enough to pass zero makes
  // the window ambiguous, so measure again (three tries, then take it).
  for (int attempt = 0; attempt < 3; ++attempt) {
    pit_start_countdown();
    start = take_sample();
    while (!pit_passed_zero() && start.pit - pit_count() < static_cast<int>(kWindowPitTicks)) {
    }
    end = take_sample();
    if (!pit_passed_zero() && end.pit < start.pit) break;
  }
  const std::uint64_t pit_ticks = start.pit > end.pit ? start.pit - end.pit : 1;
  g_tsc_hz = (end.tsc - start.tsc) * kPitHz / pit_ticks;
  return {g_tsc_hz, std::uint64_t{start.lapic - end.lapic} * kPitHz / pit_ticks};
}

std::uint64_t tsc_hz() { return g_tsc_hz; }

}  // namespace pristine::pc
