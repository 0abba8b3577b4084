// The Arm generic timer as the tick and the clock: the EL1 virtual timer
// (CNTV_CVAL_EL0 one-shot deadlines, PPI 27) and its count CNTVCT_EL0 at
// CNTFRQ_EL0 Hz.
#pragma once

#include <cstdint>

namespace pristine::virt {

std::uint64_t timer_frequency();
std::uint64_t timer_now();
// Arm a one-shot deadline (an absolute count) and unmask the timer.
void timer_set_deadline(std::uint64_t deadline);
void timer_stop();

}  // namespace pristine::virt
