#include "hw-x86_64/cpu/per_cpu.h"

#include "core/cpu_local.h"
#include "hw-x86_64/cpu/instructions.h"

namespace pristine::x86 {
namespace {

PerCpu g_per_cpu[kMaxCpus];

}  // namespace

void install_per_cpu(CpuId cpu) {
  PerCpu& block = g_per_cpu[cpu];
  block.self = &block;
  block.cpu = cpu;
  wrmsr(kMsrGsBase, reinterpret_cast<std::uint64_t>(&block));
  wrmsr(kMsrKernelGsBase, 0);
}

}  // namespace pristine::x86
