// The HPET (IA-PC HPET specification 1.0a) as a device that raises a bare
// device line: the PC's stand-in for the simulated board's sources on a line
// no kernel driver owns, so a ring-3 driver bound to it (docs/drivers.md,
// "Ring-3 drivers") is woken on the PC as in the simulator.
//
// QEMU's pc machine (i440fx) lets an HPET comparator reach the I/O APIC only
// through pin 2 (its Tn_INT_ROUTE_CAP), a line the kernel does not hand out,
// or through the legacy replacement route, which sends timer 1 to ISA IRQ 8
// (the RTC's line, unused here): so line 8 is the one line the PC can raise.
// Timer 1 runs periodic and edge-triggered: nothing needs acknowledging, as a
// ring-3 driver's line is edge-triggered (the kernel cannot quiet a device it
// does not drive).
#pragma once

#include <cstdint>

namespace pristine::pc {

// The device line the HPET raises (ISA IRQ 8, I/O APIC pin 8).
inline constexpr unsigned kHpetLine = 8;

// Cold, boot only (after the clocks are calibrated: the legacy route also
// disconnects the PIT's interrupt). Raise kHpetLine `hz` times a second from
// now on; false if the HPET is absent or cannot run periodic.
bool hpet_raise_line_periodically(std::uint32_t hz);

}  // namespace pristine::pc
