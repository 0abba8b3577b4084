// The 8254 PIT, used once at boot as a known-frequency reference to measure
// the TSC and LAPIC timer rates (channel 2, gated through port 0x61, polled).
#pragma once

#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint32_t kPitHz = 1193182;

// Busy-wait `pit_ticks` PIT periods (cold path, boot only).
void pit_wait(std::uint16_t pit_ticks);

}  // namespace pristine::pc
