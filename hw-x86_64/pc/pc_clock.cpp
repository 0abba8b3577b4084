#include "hw-x86_64/pc/pc_clock.h"

#include "hw-x86_64/pc/pit.h"

namespace pristine::pc {
namespace {

std::uint64_t g_tsc_hz = 0;

}  // namespace

void calibrate_tsc() {
  const std::uint64_t start = rdtsc();
  pit_wait(static_cast<std::uint16_t>(kPitHz / 100));
  g_tsc_hz = (rdtsc() - start) * 100;
}

std::uint64_t tsc_hz() { return g_tsc_hz; }

}  // namespace pristine::pc
