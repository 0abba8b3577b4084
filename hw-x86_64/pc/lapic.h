// The local APIC in xAPIC mode (MMIO at 0xFEE00000, identity-mapped uncached
// by the boot page tables): EOI, the one-shot timer, IPIs (Intel SDM Vol. 3 ch. 11).
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::pc {

// Cold path: software-enable with spurious vector 0xFF, timer one-shot on
// vectors::kTimer, divide by 16; measures the timer rate against `tsc_hz`.
void lapic_init(std::uint64_t tsc_hz);

void lapic_eoi();
// Arm the one-shot timer `tsc_delta` TSC cycles from now.
void lapic_arm_in(Cycles tsc_delta);
void lapic_send_ipi(CpuId target, Vector vector);
std::uint64_t lapic_timer_hz();

}  // namespace pristine::pc
