#include "core/cpu_local.h"

namespace pristine {

constinit CpuLocal g_cpu_local[kMaxCpus] = {};

}  // namespace pristine
