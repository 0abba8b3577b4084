// QEMU's `virt` board as the AArch64 image sees it (-machine
// virt,gic-version=3): the device addresses and interrupt IDs of its memory
// map (QEMU's hw/arm/virt.c fixes them; the device tree says the same).
#pragma once

#include <cstdint>

#include "hw-aarch64/cpu/kernel_layout.h"

namespace pristine::virt {

// The devices' physical addresses, and where the kernel reaches them in its
// linear map (the map and RAM are every board's: cpu/kernel_layout.h).
inline constexpr std::uintptr_t kGicPhysical = 0x0800'0000;  // GICD, then the GICRs: one 2 MiB block
inline constexpr std::uintptr_t kUartPhysical = 0x0900'0000;
inline constexpr std::uintptr_t kGicDistributor = aarch64::kKernelOffset + kGicPhysical;  // GICD
inline constexpr std::uintptr_t kGicRedistributors = aarch64::kKernelOffset + 0x080a'0000;  // GICR, 128 KiB per CPU
inline constexpr std::uintptr_t kRedistributorStride = 0x2'0000;
inline constexpr std::uintptr_t kUart = aarch64::kKernelOffset + kUartPhysical;  // PL011

// Interrupt IDs (INTIDs): 0-15 SGIs, 16-31 PPIs, 32+ SPIs; 1020-1023 special.
inline constexpr std::uint32_t kVirtualTimerIntid = 27;  // the EL1 virtual timer's PPI
inline constexpr std::uint32_t kSpuriousIntid = 1023;

}  // namespace pristine::virt
