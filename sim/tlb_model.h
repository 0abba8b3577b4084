// What the simulator knows about TLBs. Unicorn has no TLB a guest could get
// wrong, so the board keeps the model (sim/simulator.cpp): when a CPU unmaps a
// ring-3 page, every other CPU still caches the old translation ("stale")
// until it executes invlpg for that page or reloads CR3. Every invlpg and
// `mov cr3` in the image gets a hook (sim/instruction_hooks.h) that reports
// the flush.
#pragma once

#include <functional>

#include "sim/instruction_hooks.h"

namespace pristine::sim {

// on_flush's argument for a full flush (a CR3 write).
inline constexpr VirtAddr kFlushAll = ~VirtAddr{0};

class InvlpgHooks {
 public:
  InvlpgHooks(const GuestImage& image, const GuestMemory& memory);

  // `on_flush(page)` runs right before an invlpg (or a CR3 write: kFlushAll)
  // executes on `cpu`.
  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush);
  std::size_t count() const { return hooks_.count(); }

 private:
  InstructionHooks hooks_;
};

}  // namespace pristine::sim
