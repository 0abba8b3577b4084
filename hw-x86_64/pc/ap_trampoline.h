// Where the application processors' start-up code (ap_trampoline.S) runs:
// the boot CPU copies it to this physical address, and the SIPI vector is
// its page number (Intel SDM Vol. 3, 9.4.4). The assembly takes the address
// from here (pc_asm_constants.cpp).
#pragma once

#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint64_t kApTrampolineBase = 0x8000;  // SIPI vector 0x08: start at 0800:0000

}  // namespace pristine::pc
