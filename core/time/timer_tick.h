// The periodic tick, driven by a one-shot deadline timer re-armed on every tick.
#pragma once

#include "core/cpu_local.h"
#include "core/machine.h"
#include "core/types.h"

namespace pristine {

// Cold path: program the first deadline, `period` cycles from now.
void timer_start(CpuLocal& cpu, Cycles period);

// Hot path: one tick at time `now`. Re-arms the next deadline on the fixed
// grid (a late tick does not shift the phase of later ones), acknowledges the
// interrupt and lets the scheduler preempt.
TrapFrame* timer_tick(CpuLocal& cpu, TrapFrame* frame, Cycles now);

}  // namespace pristine
