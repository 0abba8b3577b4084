#include "hw-aarch64/virt/psci.h"

namespace pristine::virt {
namespace {

constexpr std::uint64_t kCpuOn = 0xc400'0003;
constexpr std::uint64_t kAffinityInfo = 0xc400'0004;

std::int64_t call(std::uint64_t function, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3) {
  register std::uint64_t x0 asm("x0") = function;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  asm volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
  return static_cast<std::int64_t>(x0);
}

}  // namespace

std::int64_t psci_cpu_on(std::uint64_t cpu, std::uint64_t entry, std::uint64_t context) {
  return call(kCpuOn, cpu, entry, context);
}

std::int64_t psci_affinity_info(std::uint64_t cpu) { return call(kAffinityInfo, cpu, 0, 0); }

}  // namespace pristine::virt
