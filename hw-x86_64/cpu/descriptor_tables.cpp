#include "hw-x86_64/cpu/descriptor_tables.h"

#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "hw-x86_64/cpu/exception_vectors.h"
#include "hw-x86_64/cpu/segments.h"

extern "C" const std::uint8_t interrupt_stubs[];

namespace pristine::x86 {
namespace {

inline constexpr std::uint64_t kIstStackSize = 8 * 1024;

// Flat long-mode code/data descriptors (base and limit ignored in 64-bit mode).
inline constexpr std::uint64_t kCode64Dpl0 = 0x00AF9A000000FFFF;
inline constexpr std::uint64_t kData64Dpl0 = 0x00CF92000000FFFF;
inline constexpr std::uint64_t kData64Dpl3 = 0x00CFF2000000FFFF;
inline constexpr std::uint64_t kCode64Dpl3 = 0x00AFFA000000FFFF;

// null, kernel code, kernel data, user data, user code, then a 16-byte TSS
// descriptor per CPU.
inline constexpr unsigned kGdtEntries = 5 + 2 * kMaxCpus;

alignas(16) std::uint64_t g_gdt[kGdtEntries];
alignas(16) IdtGate g_idt[256];
alignas(64) Tss g_tss[kMaxCpus];
alignas(16) std::uint8_t g_ist_stacks[kMaxCpus][3][kIstStackSize];

struct [[gnu::packed]] DescriptorPointer {
  std::uint16_t limit;
  std::uint64_t base;
};

void set_tss_descriptor(CpuId cpu) {
  const auto base = reinterpret_cast<std::uint64_t>(&g_tss[cpu]);
  const std::uint64_t limit = sizeof(Tss) - 1;
  const unsigned index = tss_selector(cpu) / 8;
  // Available 64-bit TSS (type 9), present, DPL 0 (SDM Vol. 3, 8.2.3).
  g_gdt[index] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (std::uint64_t{0x89} << 40) |
                 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
  g_gdt[index + 1] = base >> 32;
}

IdtGate make_gate(std::uint64_t handler, std::uint8_t ist, std::uint8_t dpl) {
  return IdtGate{
      .offset_low = static_cast<std::uint16_t>(handler),
      .selector = kKernelCode,
      .ist = ist,
      .type_attr = static_cast<std::uint8_t>(0x80 | (dpl << 5) | 0xE),  // interrupt gate
      .offset_mid = static_cast<std::uint16_t>(handler >> 16),
      .offset_high = static_cast<std::uint32_t>(handler >> 32),
      .reserved = 0,
  };
}

}  // namespace

// On the switch path (machine::set_kernel_stack): hot.
PRISTINE_HOT Tss& tss_of(CpuId cpu) { return g_tss[cpu]; }

void build_idt() {
  for (unsigned v = 0; v < 256; ++v) {
    std::uint8_t ist = 0;
    if (v == vectors::kDoubleFault) ist = kIstDoubleFault;
    if (v == vectors::kNmi) ist = kIstNmi;
    if (v == vectors::kMachineCheck) ist = kIstMachineCheck;
    // int3, into and the system-call gate are for ring-3 code; every other
    // gate is ring 0 only, so a user `int n` on it raises #GP instead.
    const std::uint8_t dpl =
        (v == vectors::kBreakpoint || v == vectors::kOverflow || v == vectors::kSyscallGate) ? 3 : 0;
    g_idt[v] = make_gate(reinterpret_cast<std::uint64_t>(interrupt_stubs + kInterruptStubSize * v), ist, dpl);
  }
}

void load_descriptor_tables(CpuId cpu) {
  g_gdt[0] = 0;
  g_gdt[kKernelCode / 8] = kCode64Dpl0;
  g_gdt[kKernelData / 8] = kData64Dpl0;
  g_gdt[kUserData / 8] = kData64Dpl3;
  g_gdt[kUserCode / 8] = kCode64Dpl3;

  Tss& tss = g_tss[cpu];
  tss = Tss{};
  tss.iomap_base = sizeof(Tss);  // no I/O bitmap: ring-3 port access faults
  for (unsigned i = 0; i < 3; ++i) {
    tss.ist[i] = reinterpret_cast<std::uint64_t>(&g_ist_stacks[cpu][i][kIstStackSize]);
  }
  set_tss_descriptor(cpu);

  const DescriptorPointer gdtr{sizeof(g_gdt) - 1, reinterpret_cast<std::uint64_t>(g_gdt)};
  const DescriptorPointer idtr{sizeof(g_idt) - 1, reinterpret_cast<std::uint64_t>(g_idt)};
  asm volatile("lgdt %0" ::"m"(gdtr) : "memory");
  // Reload CS with a far return, then the data segments; GS/FS stay null (their
  // bases come from MSRs).
  asm volatile(
      "pushq %[cs]\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "lretq\n"
      "1:\n\t"
      "movw %w[ds], %%ax\n\t"
      "movw %%ax, %%ds\n\t"
      "movw %%ax, %%es\n\t"
      "movw %%ax, %%ss\n\t"
      "xorl %%eax, %%eax\n\t"
      "movw %%ax, %%fs\n\t"
      "movw %%ax, %%gs\n\t"
      :
      : [cs] "i"(kKernelCode), [ds] "r"(static_cast<std::uint32_t>(kKernelData))
      : "rax", "memory");
  asm volatile("ltr %w0" ::"r"(tss_selector(cpu)));
  asm volatile("lidt %0" ::"m"(idtr) : "memory");
}

}  // namespace pristine::x86
