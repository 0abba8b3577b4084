// Which CPUs run the kernel: a bit per CPU, set by each CPU once it schedules
// and cleared when it stops (stop-all). Read by the scheduler (placement,
// balancing) and the TLB shootdown (targets).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/types.h"

namespace pristine::smp {

using CpuMask = std::uint32_t;

extern std::atomic<CpuMask> g_online_cpus;

inline CpuMask online_cpus() { return g_online_cpus.load(std::memory_order_acquire); }
inline CpuMask bit(CpuId cpu) { return CpuMask{1} << cpu; }

}  // namespace pristine::smp
