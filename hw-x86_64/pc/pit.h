// The 8254 PIT, used once at boot as the known-frequency reference the TSC and
// the LAPIC timer are measured against (channel 2, gated through port 0x61,
// read by latching its count; no interrupts).
#pragma once

#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint32_t kPitHz = 1193182;

// Cold path, boot only. Start channel 2 counting down once from 0xFFFF (about
// 55 ms), speaker off. Mode 0: counting starts when the count is loaded.
void pit_start_countdown();
// The current count of channel 2 (latched, so both bytes are of one instant).
std::uint16_t pit_count();
// True once the countdown has passed zero (OUT2 high): counts read after that
// have wrapped.
bool pit_passed_zero();

}  // namespace pristine::pc
