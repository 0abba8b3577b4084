// Where the AArch64 kernel lives, the same on every board: its linear map
// (TTBR1: hw-aarch64/cpu/mmu_setup.cpp) shows all RAM and the devices at
// kKernelOffset + physical, and the image is linked there (cpu/kernel.ld,
// which loads it at kRamPhysical + 2 MiB). A board must give the kernel RAM
// at kRamPhysical, as QEMU's `virt` does; its devices are its own
// (kBoardDeviceWindows, cpu/mmu_setup.h).
#pragma once

#include <cstdint>

namespace pristine::aarch64 {

inline constexpr std::uintptr_t kKernelOffset = 0xffff'ff80'0000'0000;
inline constexpr std::uintptr_t kRamPhysical = 0x4000'0000;
inline constexpr std::uintptr_t kRamSize = 128 * 1024 * 1024;  // the -m 128M the tests give QEMU

}  // namespace pristine::aarch64
