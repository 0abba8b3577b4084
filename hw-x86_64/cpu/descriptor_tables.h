// GDT, TSS and IDT of each CPU, in the long-mode formats of Intel SDM Vol. 3
// (3.4.5 segment descriptors, 8.2.3 the 64-bit TSS, 6.14.1 64-bit IDT gates).
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::x86 {

struct [[gnu::packed]] Tss {
  std::uint32_t reserved0;
  std::uint64_t rsp[3];   // RSP0 is the stack for entries from ring 3
  std::uint64_t reserved1;
  std::uint64_t ist[7];   // IST1..IST7, stored at ist[0..6]
  std::uint64_t reserved2;
  std::uint16_t reserved3;
  std::uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct IdtGate {
  std::uint16_t offset_low;
  std::uint16_t selector;
  std::uint8_t ist;         // bits 0-2
  std::uint8_t type_attr;   // P | DPL | 0 | type (0xE interrupt gate, 0xF trap gate)
  std::uint16_t offset_mid;
  std::uint32_t offset_high;
  std::uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

// Interrupt Stack Table slots (1-based, as the gate's IST field holds them).
inline constexpr std::uint8_t kIstDoubleFault = 1;
inline constexpr std::uint8_t kIstNmi = 2;
inline constexpr std::uint8_t kIstMachineCheck = 3;

// Load this CPU's GDT (with its TSS), the shared IDT, and reload segments.
void load_descriptor_tables(CpuId cpu);
// The entry stubs (interrupt_entry.S): one per vector, this far apart.
inline constexpr unsigned kInterruptStubSize = 16;

// Build the shared 256-entry IDT from the entry stubs. Once, on the boot CPU.
void build_idt();
// The TSS of `cpu` (RSP0 is updated on every switch to a ring-3 task).
Tss& tss_of(CpuId cpu);

}  // namespace pristine::x86
