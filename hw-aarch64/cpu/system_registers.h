// AArch64 system-register access for the EL1 kernel. The GICv3 CPU-interface
// registers are named by their encodings (S3_0_C12_...), which every
// assembler accepts; the rest by name.
#pragma once

#include <cstdint>

#define PRISTINE_READ_SYSREG(name)                          \
  ({                                                        \
    std::uint64_t value_;                                   \
    asm volatile("mrs %0, " #name : "=r"(value_));          \
    value_;                                                 \
  })
#define PRISTINE_WRITE_SYSREG(name, value) \
  asm volatile("msr " #name ", %0" ::"r"(static_cast<std::uint64_t>(value)) : "memory")

namespace pristine::aarch64 {

inline void isb() { asm volatile("isb" ::: "memory"); }
inline void dsb_sy() { asm volatile("dsb sy" ::: "memory"); }

// PSTATE.I: IRQs masked (1) or taken (0).
inline void irq_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void irq_disable() { asm volatile("msr daifset, #2" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }

}  // namespace pristine::aarch64
