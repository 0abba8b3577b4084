// The kernel's distinct types (core/types.h) and the architecture facts core/
// is built with (core/machine.h, arch/...): swapped arguments do not
// compile, and the types cost nothing. Mostly compile-time: this file does
// not build if a check fails.
#include "core/types.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "core/machine.h"

namespace pristine {
namespace {

// No distinct type converts into another.
static_assert(!std::is_convertible_v<CpuId, Vector> && !std::is_convertible_v<Vector, CpuId>);
static_assert(!std::is_convertible_v<VirtAddr, PhysAddr> && !std::is_convertible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_convertible_v<CpuId, VirtAddr> && !std::is_convertible_v<VirtAddr, CpuId>);
static_assert(!std::is_convertible_v<Vector, VirtAddr> && !std::is_convertible_v<Vector, PhysAddr>);
static_assert(!std::is_convertible_v<PhysAddr, CpuId> && !std::is_convertible_v<VirtAddr, Vector>);
static_assert(!std::is_convertible_v<Cycles, VirtAddr> && !std::is_convertible_v<VirtAddr, Cycles>);
static_assert(!std::is_convertible_v<Cycles, CpuId> && !std::is_convertible_v<PhysAddr, Cycles>);
static_assert(!std::is_convertible_v<Vector, Cycles>);
// A raw integer is a vector only when it says so.
static_assert(!std::is_convertible_v<int, Vector> && !std::is_convertible_v<std::uint8_t, Vector>);

// Swapped arguments of the machine interface do not compile.
static_assert(std::is_invocable_v<decltype(&machine::send_ipi), CpuId, Vector>);
static_assert(!std::is_invocable_v<decltype(&machine::send_ipi), Vector, CpuId>);
static_assert(std::is_invocable_v<decltype(&machine::map_user_page), PhysAddr, VirtAddr>);
static_assert(!std::is_invocable_v<decltype(&machine::map_user_page), VirtAddr, PhysAddr>);
static_assert(!std::is_invocable_v<decltype(&machine::unmap_user_page), VirtAddr, PhysAddr>);
static_assert(!std::is_invocable_v<decltype(&machine::switch_address_space), VirtAddr>);
static_assert(!std::is_invocable_v<decltype(&machine::flush_tlb_page), PhysAddr>);
static_assert(!std::is_invocable_v<decltype(&machine::start_cpu), Vector>);
static_assert(!std::is_invocable_v<decltype(&machine::acknowledge_device), CpuId>);
static_assert(!std::is_invocable_v<decltype(&machine::timer_arm_oneshot), VirtAddr>);

// Each is the integer it replaces, in size, alignment and triviality (the
// simulator reads them out of guest memory as host integers: sim/host_types.h).
static_assert(sizeof(Vector) == 1 && alignof(Vector) == 1);
static_assert(sizeof(CpuId) == 4 && alignof(CpuId) == 4 && std::is_trivially_copyable_v<CpuId>);
static_assert(sizeof(VirtAddr) == 8 && alignof(VirtAddr) == 8 && std::is_trivially_copyable_v<VirtAddr>);
static_assert(sizeof(PhysAddr) == 8 && alignof(PhysAddr) == 8 && std::is_trivially_copyable_v<PhysAddr>);
static_assert(sizeof(Cycles) == 8 && alignof(Cycles) == 8 && std::is_trivially_copyable_v<Cycles>);
static_assert(std::is_trivially_default_constructible_v<CpuId> && std::is_trivially_default_constructible_v<VirtAddr>);

// FpuState is sized and aligned by the architecture (arch/fpu_state.h).
static_assert(sizeof(FpuState) == arch::kFpuStateSize && alignof(FpuState) == arch::kFpuStateAlignment);

TEST(Types, ReadOutAsTheirIntegers) {
  const VirtAddr page{0x40'2000};
  EXPECT_EQ(page + 0x10, 0x40'2010u);
  EXPECT_EQ(page & ~std::uint64_t{0xFFF}, 0x40'2000u);
  CpuId cpu{2};
  ++cpu;
  EXPECT_EQ(cpu, 3u);
  EXPECT_EQ(Vector{0xEC}, 0xEC);
  Cycles run{100};
  run += Cycles{20};
  run -= Cycles{5};
  EXPECT_EQ(run, 115u);
  int object = 7;
  EXPECT_EQ(*pointer_to<int>(address_of(&object)), 7);
}

}  // namespace
}  // namespace pristine
