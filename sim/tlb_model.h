// What the simulator knows about TLBs. Unicorn has no TLB a guest could get
// wrong, so the board keeps the model: when a CPU unmaps a ring-3 page, every
// other CPU still caches the old translation ("stale") until it executes
// invlpg for that page. Every invlpg in the image gets a code hook (installed
// before any code is translated) that reports the flushed page.
#pragma once

#include <unicorn/unicorn.h>

#include <functional>
#include <memory>
#include <vector>

#include "core/types.h"
#include "sim/guest_cpu.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim {

// on_flush's argument for a full flush (a CR3 write).
inline constexpr VirtAddr kFlushAll = ~VirtAddr{0};

class InvlpgHooks {
 public:
  InvlpgHooks(const GuestImage& image, const GuestMemory& memory);
  ~InvlpgHooks();

  // `on_flush(page)` runs right before an invlpg (or a CR3 write:
  // kFlushAll) executes on `cpu`.
  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush);
  std::size_t count() const { return sites_.size(); }

 private:
  struct Hook;
  const GuestMemory& memory_;
  std::vector<VirtAddr> sites_;
  std::vector<std::unique_ptr<Hook>> hooks_;
};

}  // namespace pristine::sim
