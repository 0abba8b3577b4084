// The `virt` board's devices the kernel maps (hw-aarch64/cpu/mmu_setup.h):
// the GICv3's distributor and redistributors, the PL011.
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-aarch64/virt/board_layout.h"

namespace pristine::aarch64 {

const DeviceWindow kBoardDeviceWindows[] = {
    {virt::kGicPhysical, 2 * 1024 * 1024},
    {virt::kUartPhysical, 2 * 1024 * 1024},
};
const std::size_t kBoardDeviceWindowCount = sizeof(kBoardDeviceWindows) / sizeof(kBoardDeviceWindows[0]);

}  // namespace pristine::aarch64
