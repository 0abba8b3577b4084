// The TLB flushes the guest performs, seen from the host: every invlpg and
// `mov cr3` in the image gets a hook (sim/instruction_hooks.h) that reports
// the flush to the TLB model (sim/tlb_model.h) right before it executes.
#pragma once

#include <functional>

#include "sim/instruction_hooks.h"
#include "sim/tlb_model.h"  // kFlushAll

namespace pristine::sim {

class InvlpgHooks {
 public:
  // The instructions it hooks (find_instructions), and their sites.
  static bool matches(const cs_insn& insn);
  InvlpgHooks(const GuestMemory& memory, std::vector<VirtAddr> sites);

  // `on_flush(page)` runs right before an invlpg (or a CR3 write: kFlushAll)
  // executes on `cpu`.
  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush);
  std::size_t count() const { return hooks_.count(); }

 private:
  InstructionHooks hooks_;
};

}  // namespace pristine::sim
