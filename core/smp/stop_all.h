// Stop-all: the CPU that panics or ends the run stops every other CPU
// (vectors::kIpiStopAll) before it reports, so no CPU changes the state being
// reported or keeps running a broken kernel. Cold paths only.
#pragma once

#include "core/cpu_local.h"

namespace pristine::smp {

// Send stop-all to every other online CPU and wait (bounded) until they stopped.
void stop_other_cpus();

// The stop-all IPI's handler: leave the online set, halt with interrupts off.
[[noreturn]] void stop_this_cpu(CpuLocal& cpu);

}  // namespace pristine::smp
