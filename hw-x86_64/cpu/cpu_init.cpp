#include "hw-x86_64/cpu/cpu_init.h"

#include "hw-x86_64/cpu/descriptor_tables.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/per_cpu.h"
#include "hw-x86_64/cpu/syscall_setup.h"

namespace pristine::x86 {
namespace {

inline constexpr std::uint64_t kCr0MonitorCoprocessor = 1u << 1;
inline constexpr std::uint64_t kCr0Emulation = 1u << 2;
inline constexpr std::uint64_t kCr4Osfxsr = 1u << 9;
inline constexpr std::uint64_t kCr4Osxmmexcpt = 1u << 10;

// Ring-3 code may use x87/SSE; the kernel never does (-mgeneral-regs-only).
// A task's state is loaded on its first FPU instruction (CR0.TS traps it,
// SDM Vol. 3, 13.4): every CPU starts trapping.
void enable_fpu(CpuId cpu) {
  write_cr0((read_cr0() & ~(kCr0Emulation | kCr0TaskSwitched)) | kCr0MonitorCoprocessor);
  write_cr4(read_cr4() | kCr4Osfxsr | kCr4Osxmmexcpt);
  const std::uint32_t mxcsr = 0x1F80;  // all exceptions masked, round to nearest
  asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
  if (cpu == 0) asm volatile("fxsave64 %0" : "=m"(g_clean_fpu_state));
  write_cr0(read_cr0() | kCr0TaskSwitched);
}

}  // namespace

constinit FpuState g_clean_fpu_state{};

void cpu_init(CpuId cpu) {
  if (cpu == 0) build_idt();
  load_descriptor_tables(cpu);
  install_per_cpu(cpu);
  syscall_setup();
  enable_fpu(cpu);
}

}  // namespace pristine::x86
