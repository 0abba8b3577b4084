// Starting the other CPUs of the PC (machine::start_cpu): the real-mode
// trampoline at 0x8000, then INIT, SIPI, SIPI through the LAPIC (Intel SDM
// Vol. 3, 9.4.4, "MP initialization example"). Cold path: boot CPU, at boot.
#include <atomic>
#include <cstdint>

#include "core/machine.h"
#include "core/sched/task.h"
#include "core/smp/secondary_cpus.h"
#include "hw-x86_64/cpu/cpu_init.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/pc/ap_trampoline.h"
#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pc_clock.h"

extern "C" {
extern const std::uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const std::uint8_t ap_cr3[], ap_efer_extra[], ap_stack[], ap_entry[], ap_cpu[];
[[noreturn]] void pc_ap_main(pristine::CpuId cpu);
}

namespace pristine::pc {
namespace {

constexpr std::uint64_t kTrampoline = kApTrampolineBase;
constexpr std::uint64_t kApStackSize = 8192;
alignas(16) std::uint8_t g_ap_stacks[kMaxCpus][kApStackSize];
std::atomic<std::uint32_t> g_ap_alive{0};

// The trampoline's data fields, at their place in the low-memory copy.
template <typename T>
void set_field(const std::uint8_t* field, T value) {
  *reinterpret_cast<volatile T*>(kTrampoline + (field - ap_trampoline_start)) = value;
}

void delay_us(std::uint64_t us) {
  const std::uint64_t end = rdtsc() + tsc_hz() / 1'000'000 * us;
  while (rdtsc() < end) asm volatile("pause");
}

}  // namespace
}  // namespace pristine::pc

namespace pristine::machine {

bool start_cpu(CpuId cpu) {
  using namespace pc;
  if (cpu >= kMaxCpus) return false;
  // The low GiB is identity-mapped, writable, for the kernel: copy the blob.
  auto* low = reinterpret_cast<volatile std::uint8_t*>(kTrampoline);
  for (const std::uint8_t* p = ap_trampoline_start; p != ap_trampoline_end; ++p) *low++ = *p;
  set_field<std::uint32_t>(ap_cr3, static_cast<std::uint32_t>(x86::read_cr3()));
  set_field<std::uint32_t>(ap_efer_extra, static_cast<std::uint32_t>(x86::rdmsr(x86::kMsrEfer) & x86::kEferNoExecute));
  set_field<std::uint64_t>(ap_stack, reinterpret_cast<std::uint64_t>(&g_ap_stacks[cpu][kApStackSize]));
  set_field<std::uint64_t>(ap_entry, reinterpret_cast<std::uint64_t>(&pc_ap_main));
  set_field<std::uint32_t>(ap_cpu, cpu);
  g_ap_alive.store(0, std::memory_order_release);

  lapic_send_command(cpu, 0x4500);  // INIT, level assert
  delay_us(10'000);
  for (int sipi = 0; sipi < 2 && g_ap_alive.load(std::memory_order_acquire) == 0; ++sipi) {
    lapic_send_command(cpu, 0x4600 | (kTrampoline >> 12));  // STARTUP
    delay_us(200);
  }
  for (int waited = 0; waited < 1000 && g_ap_alive.load(std::memory_order_acquire) == 0; ++waited) delay_us(100);
  return g_ap_alive.load(std::memory_order_acquire) != 0;
}

}  // namespace pristine::machine

extern "C" [[noreturn]] void pc_ap_main(pristine::CpuId cpu) {
  using namespace pristine;
  x86::cpu_init(cpu);
  pc::lapic_init_secondary();
  pc::g_ap_alive.store(1, std::memory_order_release);
  kernel_secondary_main(cpu);
}
