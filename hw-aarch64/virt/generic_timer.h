// The Arm generic timer as the tick: the EL1 virtual timer (CNTV_CVAL_EL0
// one-shot deadlines, PPI 27) and its count CNTVCT_EL0 at CNTFRQ_EL0 Hz.
#pragma once

#include <cstdint>

namespace pristine::virt {

std::uint64_t timer_frequency();
std::uint64_t timer_now();
// Arm a one-shot deadline (an absolute count) and unmask the timer.
void timer_set_deadline(std::uint64_t deadline);
void timer_stop();

// The kernel's clock is the cycle counter (hw-aarch64/cpu/cycle_counter.h):
// its rate as the boot measured it against the timer
// (hw-aarch64/virt/board_init.cpp), and timer ticks per cycle in 32.32
// fixed point, rounded up, for converting a deadline.
extern std::uint64_t g_cycles_per_second;
extern std::uint64_t g_timer_ticks_per_cycle;

}  // namespace pristine::virt
