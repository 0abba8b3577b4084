// QEMU's `virt` board as the AArch64 image sees it (-machine
// virt,gic-version=3): the device addresses and interrupt IDs of its memory
// map (QEMU's hw/arm/virt.c fixes them; the device tree says the same).
#pragma once

#include <cstdint>

namespace pristine::virt {

// The kernel sees all of physical memory and the devices at this offset
// (its linear map, through TTBR1: hw-aarch64/virt/mmu_setup.cpp); the image
// is linked there too (virt.ld).
inline constexpr std::uintptr_t kKernelOffset = 0xffff'ff80'0000'0000;
inline constexpr std::uintptr_t kRamPhysical = 0x4000'0000;
inline constexpr std::uintptr_t kRamSize = 128 * 1024 * 1024;  // the -m 128M the tests give QEMU

inline constexpr std::uintptr_t kGicPhysical = 0x0800'0000;  // GICD, then the GICRs: one 2 MiB block
inline constexpr std::uintptr_t kUartPhysical = 0x0900'0000;
inline constexpr std::uintptr_t kGicDistributor = kKernelOffset + kGicPhysical;               // GICD
inline constexpr std::uintptr_t kGicRedistributors = kKernelOffset + 0x080a'0000;  // GICR, 128 KiB per CPU
inline constexpr std::uintptr_t kRedistributorStride = 0x2'0000;
inline constexpr std::uintptr_t kUart = kKernelOffset + kUartPhysical;  // PL011

// Interrupt IDs (INTIDs): 0-15 SGIs, 16-31 PPIs, 32+ SPIs; 1020-1023 special.
inline constexpr std::uint32_t kVirtualTimerIntid = 27;  // the EL1 virtual timer's PPI
inline constexpr std::uint32_t kSpuriousIntid = 1023;

}  // namespace pristine::virt
