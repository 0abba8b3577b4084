// The simulator's names for the kernel's quantities: plain host integers.
// The kernel's Cycles, Vector, CpuId, VirtAddr and PhysAddr are distinct
// types (core/types.h); the simulator does arithmetic on them everywhere and
// reads them out of guest memory, so inside pristine::sim the same names are
// these aliases (an inner namespace's name hides the outer one). The sizes
// match, so memory_.read<CpuId>(...) reads the kernel's field as it is laid out.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/types.h"
#include "sim/host_vectors.h"  // the vector functions, for these plain vectors

namespace pristine::sim {

using Cycles = std::uint64_t;
using Vector = std::uint8_t;
// Every Vector value: the size of a table indexed by vector.
inline constexpr std::size_t kVectorCount = std::size_t{1} << (8 * sizeof(Vector));
using CpuId = std::uint32_t;
using VirtAddr = std::uint64_t;
using PhysAddr = std::uint64_t;

static_assert(sizeof(Cycles) == sizeof(pristine::Cycles));
static_assert(sizeof(Vector) == sizeof(pristine::Vector) && alignof(Vector) == alignof(pristine::Vector));
static_assert(sizeof(CpuId) == sizeof(pristine::CpuId) && alignof(CpuId) == alignof(pristine::CpuId));
static_assert(sizeof(VirtAddr) == sizeof(pristine::VirtAddr) && alignof(VirtAddr) == alignof(pristine::VirtAddr));
static_assert(sizeof(PhysAddr) == sizeof(pristine::PhysAddr) && alignof(PhysAddr) == alignof(pristine::PhysAddr));

}  // namespace pristine::sim
