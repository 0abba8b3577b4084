// Ending the run with an exit status: Arm semihosting's SYS_EXIT (operation
// 0x18, `hlt #0xf000` in AArch64 state), which QEMU turns into its own exit
// status when started with -semihosting-config enable=on,target=native.
#pragma once

#include <cstdint>

namespace pristine::virt {

[[noreturn]] void exit_with_status(std::uint32_t status);

}  // namespace pristine::virt
