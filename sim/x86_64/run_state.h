// What the run loop keeps per x86-64 CPU beyond the common SimCpu
// (sim/sim_cpu.h): the rep movs/stos running, priced by its bytes.
#pragma once

#include "sim/cost_model.h"

namespace pristine::sim {

struct ArchRunState {
  FastStringMeter fast_string;  // the rep movs/stos running (sim/cost_model.h)
};

}  // namespace pristine::sim
