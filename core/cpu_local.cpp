#include "core/cpu_local.h"

constinit pristine::CpuLocal pristine_cpu_local[pristine::kMaxCpus] = {};
