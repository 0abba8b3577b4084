// What the simulated board (sim/sim_board.h) asks of the rest of the
// machine when a CPU writes one of its registers: the cross-CPU effects (an
// IPI, a CPU start-up), which interrupt a handler acknowledged, and
// what the pristine-path rules must see (console output, clock reads). The
// board knows only this interface; sim/interconnect.h implements it.
#pragma once

#include <cstdint>

#include "sim/guest_arch.h"
#include "sim/host_types.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct SimCpu;

class BoardBus {
 public:
  virtual ~BoardBus() = default;

  virtual std::uint32_t cpu_count() const = 0;
  virtual void send_ipi(SimCpu& from, CpuId target, Vector vector) = 0;
  virtual void send_ipi_to_others(SimCpu& from, Vector vector) = 0;
  virtual void start_cpu(SimCpu& from, CpuId target) = 0;
  virtual void console_output(SimCpu& cpu) = 0;
  virtual void clock_read(SimCpu& cpu) = 0;
  // The CPU's handler acknowledged `vector` (the board's ACKNOWLEDGE): the
  // interrupt it serves from now on.
  virtual void interrupt_acknowledged(SimCpu& cpu, Vector vector) = 0;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
