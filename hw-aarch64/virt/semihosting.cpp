#include "hw-aarch64/virt/semihosting.h"

namespace pristine::virt {

void exit_with_status(std::uint32_t status) {
  // SYS_EXIT in AArch64 state takes a two-word block: the reason
  // (ADP_Stopped_ApplicationExit) and the exit status.
  constexpr std::uint64_t kSysExit = 0x18;
  constexpr std::uint64_t kApplicationExit = 0x20026;
  const std::uint64_t block[2] = {kApplicationExit, status};
  register std::uint64_t operation asm("x0") = kSysExit;
  register const std::uint64_t* argument asm("x1") = block;
  asm volatile("hlt #0xf000" ::"r"(operation), "r"(argument) : "memory");
  for (;;) asm volatile("wfi");
}

}  // namespace pristine::virt
