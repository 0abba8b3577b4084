// Unicorn executes misaligned movdqa, movaps and the like without a fault;
// the CPU raises #GP(0) (Intel SDM Vol. 1, 10.4.1). At load, every such
// instruction in the image's executable segments is found (linear sweep with
// Capstone) and gets a code hook, installed before any code is translated,
// that checks the operand address right before the instruction executes.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/types.h"
#include "sim/guest_cpu.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim {

class AlignmentChecks {
 public:
  // `on_misaligned(rip)` is called (from the hook) for a misaligned operand;
  // it must stop the engine.
  AlignmentChecks(const GuestImage& image, const GuestMemory& memory);
  ~AlignmentChecks();

  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_misaligned);
  std::size_t count() const { return sites_.size(); }

 private:
  struct Hook;
  const GuestMemory& memory_;
  std::vector<VirtAddr> sites_;
  std::vector<std::unique_ptr<Hook>> hooks_;
};

}  // namespace pristine::sim
