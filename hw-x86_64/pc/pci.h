// PCI configuration access (configuration mechanism #1: ports 0xCF8/0xCFC)
// and the one PCI device Pristine drives: nic0's Intel 82540EM (QEMU's
// `-device e1000`). Cold paths only (boot).
#pragma once

#include <cstdint>

namespace pristine::pc {

// The e1000 the firmware set up: its register space (BAR0, memory-mapped)
// and the ISA interrupt (I/O APIC pin) the firmware routed its INTA# to.
struct PciNic {
  bool found = false;
  std::uint64_t registers = 0;  // BAR0, physical (identity-mapped uncached: the fourth GiB)
  unsigned pin = 0;             // configuration register 0x3C (Interrupt Line)
};

// Cold path (boot): find the first 8086:100E on bus 0, enable its memory
// space and bus mastering (DMA), and say where it is. Not found, or a BAR
// outside the uncached fourth GiB the boot page tables map: found = false.
PciNic pci_find_nic();

// nic0's register base and pin once pci_find_nic found it (0: none).
extern std::uint64_t g_nic_registers;
extern unsigned g_nic_pin;

}  // namespace pristine::pc
