// The invariants of the hot paths, checked while the guest runs, at the
// points the run loop already stops at: the first block of a new translated
// block, a handler's C++ entry, the close of a delivery record, an exception
// in ring 0. Findings go to the invariants sink (sim/violations.h); the
// register-level checks at ring-3 boundaries are sim/context_checker.h's,
// the pristine-path rules sim/pristine_rules.h's, the end-of-run judgements
// sim/end_of_run_checks.h's.
//
// A new run-time invariant: a method here, called from the one place in the
// run loop (sim/simulator.cpp) that sees the event it judges.
#pragma once

#include <array>

#include "sim/guest_arch.h"
#include "sim/guest_image.h"
#include "sim/user_access_table.h"
#include "sim/handler_accounting.h"
#include "sim/sim_cpu.h"
#include "sim/violations.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class PathInvariants {
 public:
  PathInvariants(const GuestImage& image, Violations& violations);

  // Guest code on this board reads no host time and uses no port I/O;
  // checked once per translated block.
  void new_block(const SimCpu& c, VirtAddr address, const BlockCost& cost);

  // The C++ entry points of the hot paths (the dispatchers): at each, the
  // kernel's per-CPU base and a kernel stack.
  bool is_hot_entry(VirtAddr address) const {
    return address == hot_entry_[0] || address == hot_entry_[1] || address == hot_entry_[2];
  }
  void at_hot_entry(const SimCpu& c, VirtAddr address);

  // A delivery record closed: exactly one EOI per delivered non-spurious
  // interrupt, and a ring-0 context resumed without a switch exactly where it was.
  void record_closed(const SimCpu& c, const ClosedRecord& closed);

  // The CPU raised `vector` in ring 0 at `rip` (stack pointer `sp`) and finally
  // delivered `delivered`.
  void kernel_fault(const SimCpu& c, Vector vector, Vector delivered, VirtAddr rip, VirtAddr sp);

 private:
  void eois_match(const SimCpu& c, const ClosedRecord& closed);
  void resumed_in_place(const SimCpu& c, const ClosedRecord& closed);

  const GuestImage& image_;
  Violations& violations_;
  // The kernel's C++ entries from its vectors (kHotEntrySymbols, sim/guest_arch.h); 0 past them.
  std::array<VirtAddr, 3> hot_entry_{};
  VirtAddr user_start_, user_end_;  // the ring-3 region
  UserAccessTable user_accesses_;    // ring-0 faults the kernel expects (bad user pointers)
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
