// The kernel's translation tables on every board and the switch to the
// MMU (hw-aarch64/cpu/mmu_setup.cpp): TTBR1 holds the kernel's linear map
// (all RAM and the devices at kKernelOffset + physical, cpu/kernel_layout.h),
// TTBR0 an identity map of the image while the boot code crosses over, then
// a task's space.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hw-aarch64/cpu/page_tables.h"

namespace pristine::aarch64 {

// A board's device registers: mapped as Device memory in the linear map at
// boot. Each board defines its list (hw-aarch64/virt/device_windows.cpp,
// the simulated board's hw-sim/aarch64/device_windows.cpp), compiled to be
// read with the MMU off (PC-relative: the small code model).
struct DeviceWindow {
  std::uint64_t physical;  // 2 MiB aligned
  std::uint64_t size;      // whole 2 MiB blocks
};
extern const DeviceWindow kBoardDeviceWindows[];
extern const std::size_t kBoardDeviceWindowCount;

// The physical address of a kernel object (its linear-map address minus the offset).
std::uint64_t physical_of(const void* kernel_object);

// The kernel's linear map (TTBR1) as the boot left it, to change later
// (machine::unmap_kernel_page), reached through the linear map.
PageTables& kernel_page_tables();
std::uint64_t kernel_root();

}  // namespace pristine::aarch64
