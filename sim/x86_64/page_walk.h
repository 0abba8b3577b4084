// The x86-64 MMU's four-level walk (Intel SDM Vol. 3, 4.5 and 4.6), done by
// the simulator for the engines' TLB fill: Unicorn's virtual TLB mode hands
// every miss to the host, which walks the guest's own page tables in guest
// memory and either fills the entry or reports the #PF error code the CPU
// would push. Written to give what QEMU's walk gives (the PC board), so one
// ring-3 program faults with the same error code on both boards
// (tests/page_walk_test.cpp, tests/fault_programs_test.cpp).
//
// Modeled: present, writable, user, no-execute (EFER.NXE), reserved NX
// without NXE, CR0.WP, 2 MiB and 1 GiB pages. Not modeled: accessed and
// dirty bits (nothing here reads them), SMEP, SMAP, protection keys, 5-level
// paging; a table outside guest memory reads as not present.
#pragma once

#include <cstdint>

#include "sim/guest_memory.h"
#include "sim/host_types.h"

namespace pristine::sim {

struct PagingControl {
  PhysAddr cr3 = 0;
  bool no_execute = false;  // EFER.NXE
  bool write_protect = false;  // CR0.WP
};

struct PageAccess {
  bool write = false;
  bool fetch = false;
  bool user = false;  // CPL 3
};

struct PageTranslation {
  bool ok = false;
  PhysAddr page = 0;          // the physical page (ok)
  bool writable = false;      // for an access of the same privilege (ok)
  bool executable = false;
  std::uint64_t error_code = 0;  // the #PF error code (!ok)
};

// The #PF error code of a not-present page (SDM Vol. 3, 4.7): W/R, U/S, I/D.
constexpr std::uint64_t page_fault_error_code(bool write, bool fetch, bool user) {
  return (write ? 2 : 0) | (user ? 4 : 0) | (fetch ? 0x10 : 0);
}

PageTranslation walk_page_tables(const GuestMemory& memory, const PagingControl& control, VirtAddr page,
                                 const PageAccess& access);

}  // namespace pristine::sim
