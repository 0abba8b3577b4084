// The simulated board's register page (hw-sim/board_registers.h) as seen
// from the host: MMIO callbacks that read the CPU's modeled clock, arm its
// timer, retire interrupts, carry IPIs, print and power off. Each access is
// charged from the cost model. Callbacks never stop the engine (Unicorn would
// replay the access); they leave flags the run loop acts on at the next block.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/board_costs.h"
#include "sim/register_window.h"
#include "sim/sim_cpu.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class SimBoard {
 public:
  SimBoard(const BoardCosts& costs, std::uint64_t clock_hz) : costs_(costs), clock_hz_(clock_hz) {}

  // Map the register page into `cpu`'s engine.
  void attach(SimCpu& cpu);

  const std::string& console() const { return console_; }

  std::uint64_t read(SimCpu& cpu, std::uint64_t offset, unsigned size);
  void write(SimCpu& cpu, std::uint64_t offset, unsigned size, std::uint64_t value);

 private:
  void commit(SimCpu& cpu, std::uint64_t reg, std::uint64_t value);
  // kAcknowledge: the highest deliverable vector moved to in service, or kNothingPending.
  std::uint64_t acknowledge(SimCpu& cpu);

  RegisterWindow<SimBoard> window_;
  BoardCosts costs_;
  std::uint64_t clock_hz_;
  std::string console_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
