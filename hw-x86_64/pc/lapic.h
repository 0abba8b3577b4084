// The local APIC in xAPIC mode (MMIO at 0xFEE00000, identity-mapped uncached
// by the boot page tables): EOI, the one-shot timer, IPIs (Intel SDM Vol. 3 ch. 11).
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::pc {

// Cold path: software-enable with spurious vector 0xFF; the timer divides by
// 16 and counts down from 2^32-1, masked, so calibrate_clocks() can read it.
void lapic_init();
std::uint32_t lapic_timer_count();
// Cold path, after calibration: stop the free-running count and make the
// timer one-shot on vectors::kTimer, converting TSC distances at
// timer_hz / tsc_hz.
void lapic_timer_start(std::uint64_t timer_hz, std::uint64_t tsc_hz);

// Cold path, on each other CPU: enable its LAPIC and make its timer one-shot
// on vectors::kTimer (the boot CPU's calibration applies: one clock domain).
void lapic_init_secondary();
// Cold path: write the interrupt command register (INIT, STARTUP) for `cpu`.
void lapic_send_command(CpuId cpu, std::uint32_t command);

// Hot path (timer tick, every interrupt).
void lapic_eoi();
// Arm the one-shot timer `tsc_delta` TSC cycles from now.
void lapic_arm_in(Cycles tsc_delta);

void lapic_send_ipi(CpuId target, Vector vector);
void lapic_send_ipi_to_others(Vector vector);
std::uint64_t lapic_timer_hz();

}  // namespace pristine::pc
