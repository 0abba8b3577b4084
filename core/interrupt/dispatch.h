// The entries from the architecture's interrupt and exception paths into
// core/. Every vector comes through one of the two, so there is one place to
// read, measure and get right (the prologue and epilogue they share with
// system calls: core/kernel_entry.h).
#pragma once

#include <cstdint>

#include "core/hot_path.h"
#include "core/interrupt/exception.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "core/types.h"

namespace pristine {

// Hot path. Handles `vector`, which interrupted the context saved in `frame`;
// returns the frame to resume: `frame` itself, or another task's after a switch.
// The tick has a function of its own, so its path carries none of the other
// vectors' register needs; the choice is made before either sets up a frame.
TrapFrame* dispatch_tick(TrapFrame* frame);
TrapFrame* dispatch_other_interrupt(Vector vector, TrapFrame* frame);  // IPIs, devices, spurious
inline TrapFrame* dispatch_interrupt(Vector vector, TrapFrame* frame) {
  return PRISTINE_LIKELY(vector == vectors::kTimer) ? dispatch_tick(frame) : dispatch_other_interrupt(vector, frame);
}

// Exceptions, as the architecture describes them: a ring-3 fault ends the faulting task, the kernel goes on; a
// ring-0 fault is a kernel bug: dump and power off (cold path).
TrapFrame* dispatch_exception(const ExceptionInfo& info, TrapFrame* frame);

}  // namespace pristine
