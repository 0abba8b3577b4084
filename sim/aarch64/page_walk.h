// The AArch64 MMU's stage-1 walk for the EL1&0 regime (Arm ARM, D8
// "The AArch64 Virtual Memory System Architecture"), done by the simulator
// for the engine's TLB fill, as sim/x86_64/page_walk.h does for x86-64:
// Unicorn's virtual TLB mode hands every miss to the host, which walks the
// guest's tables in guest memory and either fills the entry or names the
// fault the MMU would report (its fault status code and level, which the
// exception entry turns into ESR_EL1, sim/aarch64/exception_entry.h).
// Written to give what QEMU's walk gives on the `virt` board, so one EL0
// program faults with the same syndrome on both.
//
// Modeled: TTBR0/TTBR1 chosen by the top address bits, T0SZ/T1SZ (start
// level from the size), EPD0/EPD1, 4 KiB granule only, table, block and page
// descriptors, the hierarchical APTable/UXNTable/PXNTable bits, AP[2:1],
// UXN, PXN, the implicit PXN of an EL0-writable page, SCTLR_EL1.WXN, the
// access flag (a fault: hardware flag management is off), PSTATE.PAN.
// Not modeled: 16/64 KiB granules, stage 2, address-size faults beyond the
// range check, TBI (top-byte ignore: the kernel turns it off), the
// unprivileged loads and stores (LDTR/STTR), contiguous hints.
#pragma once

#include <cstdint>

#include "sim/guest_memory.h"
#include "sim/host_types.h"

namespace pristine::sim::aarch64 {

// What the walk depends on: the translation registers and PSTATE.PAN.
struct TranslationControl {
  bool mmu_on = false;      // SCTLR_EL1.M
  bool write_execute_never = false;  // SCTLR_EL1.WXN
  std::uint64_t ttbr0 = 0;  // TTBR0_EL1 (ASID in bits 63:48)
  std::uint64_t ttbr1 = 0;
  std::uint64_t tcr = 0;    // TCR_EL1
  bool pan = false;         // PSTATE.PAN: EL1 data accesses to EL0 pages fault
};

struct PageAccess {
  bool write = false;
  bool fetch = false;
  bool user = false;  // from EL0
};

// The fault status code of ESR_EL1's DFSC/IFSC (Arm ARM D17.2.37, ISS
// encoding for an exception from a data or instruction abort): the kind in
// bits 5:2 and the level in bits 1:0.
enum class FaultKind : std::uint8_t {
  AddressSize = 0x00,
  Translation = 0x04,
  AccessFlag = 0x08,
  Permission = 0x0c,
};
constexpr std::uint32_t fault_status(FaultKind kind, unsigned level) {
  return static_cast<std::uint32_t>(kind) | (level & 3);
}

struct PageTranslation {
  bool ok = false;
  PhysAddr page = 0;        // the physical page (ok)
  bool readable = false;    // for an access at the same EL (ok)
  bool writable = false;
  bool executable = false;
  std::uint32_t fault_status = 0;  // DFSC/IFSC (!ok)
};

PageTranslation walk_page_tables(const GuestMemory& memory, const TranslationControl& control, VirtAddr page,
                                 const PageAccess& access);

}  // namespace pristine::sim::aarch64
