// The run loop's parts of the architecture this copy of the engine is
// compiled for (sim/guest_arch.h): its delivery (DeliveryRequest, deliver,
// the interrupt window), its ArchParts, and its system-call convention.
#pragma once

#include "sim/guest_arch.h"

#if PRISTINE_SIM_GUEST_AARCH64
#include "sim/aarch64/run_parts.h"
#else
#include "sim/x86_64/run_parts.h"
#endif
