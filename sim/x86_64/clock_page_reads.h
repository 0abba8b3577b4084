// The board clock's page on x86-64 (hw-sim/board_registers.h, kClockPageBase):
// plain memory that the simulator keeps exact. The Capstone sweep of the
// image finds every load of the clock word by its absolute address (what
// machine::now() compiles to); the block holding one is marked
// (Simulator::kBlockReadsClock) and charged the read, and before it runs the
// page holds the CPU's cycle count, charged with the read, as the board's
// kClock register would return it. A read any other way would see a stale
// count, so an image with any other reference into the page is refused.
#pragma once

#include <capstone/capstone.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/guest_image.h"
#include "sim/host_types.h"

namespace pristine::sim {

class ClockPageReads {
 public:
  // A load of the clock word by its absolute address (find_instructions).
  static bool matches(const cs_insn& insn);
  // Anything else that names an address in the clock page: an operand's
  // displacement or immediate (a pointer into the page, a store).
  static bool refers_otherwise(const cs_insn& insn);

  // Throws ImageError naming the first of `other_references`, if any.
  ClockPageReads(std::vector<VirtAddr> sites, const std::vector<VirtAddr>& other_references);

  // The reads in the block [address, address + size).
  std::uint32_t reads_in(VirtAddr address, std::uint32_t size) const;
  // The page's memory (one 4 KiB page, mapped read-only into each engine).
  std::uint8_t* page() const { return page_.get(); }
  // What a read sees from now on.
  void set(std::uint64_t cycles) const { *reinterpret_cast<std::uint64_t*>(page_.get()) = cycles; }

 private:
  std::vector<VirtAddr> sites_;  // sorted
  struct PageDeleter {
    void operator()(std::uint8_t* p) const;
  };
  std::unique_ptr<std::uint8_t, PageDeleter> page_;
};

}  // namespace pristine::sim
