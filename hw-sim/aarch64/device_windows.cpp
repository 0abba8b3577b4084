// The simulated board's devices the AArch64 kernel maps
// (hw-aarch64/cpu/mmu_setup.h): its one 2 MiB block of register pages
// (the NIC's window, the board's registers, the UART: hw-sim/board_registers.h).
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-sim/board_registers.h"

namespace pristine::aarch64 {

const DeviceWindow kBoardDeviceWindows[] = {{sim_board::aarch64::kDeviceBlock, 2 * 1024 * 1024}};
const std::size_t kBoardDeviceWindowCount = 1;

}  // namespace pristine::aarch64
