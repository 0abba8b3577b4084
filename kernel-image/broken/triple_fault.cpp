// Breakage of the PC image: an empty IDT, then a trap. The CPU can deliver
// neither it, nor the #GP, nor the #DF: a triple fault, which the boot test
// must never read as a pass.
#include <cstdint>

#include "core/test_hook.h"

extern "C" void pristine_test_hook_boot_cpu_ready() {
  const struct [[gnu::packed]] {
    std::uint16_t limit;
    std::uint64_t base;
  } empty_idt{0, 0};
  asm volatile("lidt %0; int3" ::"m"(empty_idt));
}
