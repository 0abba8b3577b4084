// Hooks on chosen instructions of the image. Unicorn has no notion of some
// things the simulator must see (a misaligned movdqa faults on a CPU, an
// invlpg drops a translation), so every such instruction is found at load by
// a linear sweep of the executable segments with Capstone (the kernel image
// has no data in its text) and gets a code hook, installed before any code is
// translated, that runs right before the instruction executes. One sweep
// serves every kind of hook: decoding the image is most of a simulator's
// start-up.
#pragma once

#include <capstone/capstone.h>

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/host_types.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// What a kind of hook looks for.
using InstructionMatch = bool (*)(const cs_insn&);

// The sites of each match, in the order of `matches`, from one sweep.
std::vector<std::vector<VirtAddr>> find_instructions(const GuestImage& image, std::span<const InstructionMatch> matches);
inline std::vector<VirtAddr> find_instructions(const GuestImage& image, InstructionMatch match) {
  return std::move(find_instructions(image, std::span<const InstructionMatch>(&match, 1)).front());
}

class InstructionHooks {
 public:
  // `code`: the instruction's bytes (up to 16).
  using Callback = std::function<void(GuestCpu& cpu, VirtAddr address, std::span<const std::uint8_t> code)>;

  // `sites`: from find_instructions.
  InstructionHooks(const GuestMemory& memory, std::vector<VirtAddr> sites);
  ~InstructionHooks();

  void install(GuestCpu& cpu, Callback at_site);
  std::size_t count() const { return sites_.size(); }

 private:
  struct Hook;
  const GuestMemory& memory_;
  std::vector<VirtAddr> sites_;
  std::vector<std::unique_ptr<Hook>> hooks_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
