// Types that carry meaning across the kernel and the simulator: a cycle count is
// not a vector number is not a CPU index. Freestanding, shared by host code.
#pragma once

#include <cstdint>

namespace pristine {

// Modeled (simulator) or measured (rdtsc) CPU cycles.
using Cycles = std::uint64_t;

// An interrupt vector, 0-255: the index into the IDT.
using Vector = std::uint8_t;

// Index of a CPU, 0-based, dense.
using CpuId = std::uint32_t;

using VirtAddr = std::uint64_t;
using PhysAddr = std::uint64_t;

}  // namespace pristine
