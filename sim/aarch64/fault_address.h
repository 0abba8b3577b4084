// The address a faulting load or store touched, for FAR_EL1. The engine's
// TLB fill is given only the page (sim/aarch64/guest_cpu.h), but Unicorn
// stops with PC at the faulting instruction itself and the instructions
// before it completed, so the instruction's own operands with the current
// registers give the address: base, plus the offset or the extended and
// shifted index (a pre-indexed form's offset included: its write-back has
// not happened; a post-indexed form accesses the base). An access that
// starts in the page before and runs into the refused one faults at the
// refused page's first byte, as the CPU reports the part that faulted.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sim/aarch64/guest_cpu.h"
#include "sim/capstone_handle.h"
#include "sim/host_types.h"

namespace pristine::sim::aarch64 {

class FaultAddress {
 public:
  FaultAddress();

  // The first byte in `refused_page` the instruction (its four bytes in
  // `instruction`) accessed, or nothing if it is no load or store Capstone
  // decodes (the caller falls back to the page).
  std::optional<VirtAddr> locate(std::span<const std::uint8_t> instruction, VirtAddr pc, VirtAddr refused_page,
                                 const GuestCpu& cpu) const;
  // The address the load or store accesses first (base, offset, index
  // with its extension), or nothing if Capstone decodes no memory operand.
  std::optional<VirtAddr> effective_address(std::span<const std::uint8_t> instruction, VirtAddr pc,
                                            const GuestCpu& cpu) const;

 private:
  CapstoneHandle capstone_;
};

}  // namespace pristine::sim::aarch64
