// The `virt` board's devices the kernel maps (hw-aarch64/virt/mmu_setup.h):
// the GICv3's distributor and redistributors, the PL011.
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/mmu_setup.h"

namespace pristine::virt {

const DeviceWindow kBoardDeviceWindows[] = {
    {kGicPhysical, 2 * 1024 * 1024},
    {kUartPhysical, 2 * 1024 * 1024},
};
const std::size_t kBoardDeviceWindowCount = sizeof(kBoardDeviceWindows) / sizeof(kBoardDeviceWindows[0]);

}  // namespace pristine::virt
