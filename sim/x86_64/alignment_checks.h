// Unicorn executes misaligned movdqa, movaps and the like without a fault;
// the CPU raises #GP(0) (Intel SDM Vol. 1, 10.4.1). Each such instruction of
// the image gets a hook (sim/instruction_hooks.h) that checks the operand
// address right before it executes.
#pragma once

#include <functional>

#include "sim/instruction_hooks.h"

namespace pristine::sim {

class AlignmentChecks {
 public:
  // The instructions it hooks (find_instructions), and their sites.
  static bool matches(const cs_insn& insn);
  AlignmentChecks(const GuestMemory& memory, std::vector<VirtAddr> sites);

  // `on_misaligned(rip)` is called (from the hook) for a misaligned operand;
  // it must stop the engine.
  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_misaligned);
  std::size_t count() const { return hooks_.count(); }

 private:
  InstructionHooks hooks_;
};

}  // namespace pristine::sim
