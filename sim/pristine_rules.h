// The rules of the pristine path (seed 000, docs/pristine-rules.md) that the
// simulator enforces while a CPU is in a hot path: from delivery or `syscall`
// to the matching return, the context switch included (an open accounting
// record). Each violation is kept once per site (its call chain), with the
// hot path it happened in, how often, and the cycles it cost.
//
//   console-output   the board console written with interrupts off, outside
//                    a PRISTINE_COLD slow path
//   allocator-call   code in a PRISTINE_ALLOCATOR function
//   waiting-lock     code in a PRISTINE_WAITING_LOCK function
//   page-table-walk  code in a PRISTINE_PAGE_WALKER function
//   clock-busy-wait  the clock read more than kMaxClockReads times in one path
//                    (waiting for time to pass)
// Paths over their budget are reported by the simulator's accounting.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"
#include "sim/report.h"
#include "sim/sim_cpu.h"
#include "sim/source_lines.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// Block flags for code in a section a hot path must never reach.
inline constexpr std::uint32_t kBlockInAllocator = 1u << 16;
inline constexpr std::uint32_t kBlockInWaitingLock = 1u << 17;
inline constexpr std::uint32_t kBlockInPageWalker = 1u << 18;
inline constexpr std::uint32_t kBlockForbidden = kBlockInAllocator | kBlockInWaitingLock | kBlockInPageWalker;

class PristineRules {
 public:
  // More clock reads than this in one path is a busy wait (a path reads it
  // twice for its own statistics, the scheduler a few times more).
  static constexpr std::uint32_t kMaxClockReads = 8;

  PristineRules(const GuestImage& image, const GuestMemory& memory);

  // kBlockIn* flags of a block starting at `address` (computed once per block).
  std::uint32_t forbidden_flags(VirtAddr address) const;

  // A CPU in a hot path (`path` names it) did something against the rules at
  // `rip`; `cycles` is what it cost. Kept once per call chain.
  void flag(const std::string& kind, const SimCpu& cpu, PathId path, VirtAddr rip, Cycles cycles);
  // True if `rip`'s call chain runs through a PRISTINE_COLD function (an
  // explicit slow path: the write syscall's output, fatal-fault reports).
  bool in_cold_path(const SimCpu& cpu, VirtAddr rip) const;

  // The board saw a CPU print a character (costing `cost`) or read its clock:
  // output in a hot path outside a cold function, or a path that reads the
  // clock more than kMaxClockReads times (a busy wait), breaks the rules.
  void console_output(const SimCpu& cpu, Cycles cost);
  void clock_read(const SimCpu& cpu);

  std::vector<Violation> violations() const;

 private:
  struct Range {
    VirtAddr start = 0, end = 0;
    bool contains(VirtAddr a) const { return a >= start && a < end; }
  };
  Range range(const char* name) const;
  std::vector<VirtAddr> call_chain(const SimCpu& cpu, VirtAddr rip) const;
  std::string frame(VirtAddr address) const;

  const GuestImage& image_;
  const GuestMemory& memory_;
  SourceLines lines_;
  Range text_, cold_, allocator_, waiting_lock_, page_walker_;
  struct Site {
    Violation violation;
    std::size_t order;
  };
  std::map<std::pair<std::string, std::vector<VirtAddr>>, Site> sites_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
