// PAN at boot (pan.h). The PAN register (op0 3, op1 0, CRn 4, CRm 2, op2 3)
// is written by its generic name: the assembler then needs no Armv8.1 flag,
// and the write runs only where the ID register says the CPU has it.
#include "hw-aarch64/cpu/pan.h"

#include "hw-aarch64/cpu/system_registers.h"

std::uint32_t pristine_aarch64_pan = 0;  // extern "C" by its declaration (pan.h)

namespace pristine::aarch64 {
namespace {

constexpr std::uint64_t kSctlrSpan = 1ull << 23;  // 0: an exception taken to EL1 sets PSTATE.PAN

}  // namespace

void pan_enable_on_this_cpu() {
  const std::uint64_t mmfr1 = PRISTINE_READ_SYSREG(id_aa64mmfr1_el1);
  if (((mmfr1 >> 20) & 0xf) == 0) return;  // ID_AA64MMFR1_EL1.PAN: not implemented
  PRISTINE_WRITE_SYSREG(sctlr_el1, PRISTINE_READ_SYSREG(sctlr_el1) & ~kSctlrSpan);
  asm volatile("msr s3_0_c4_c2_3, %0" ::"r"(kSpsrPan) : "memory");
  isb();
  __atomic_store_n(&pristine_aarch64_pan, 1, __ATOMIC_RELAXED);
}

}  // namespace pristine::aarch64
