// nic0 on the simulated board: the receive side of an Intel 82540EM
// (e1000), with the register interface the driver programs
// (core/drivers/e1000_registers.h), so the simulator and QEMU run the same
// driver source. Packets arrive from a scenario source (`driver = "nic0"`,
// one packet per arrival, lengths and bytes from nic_payload.h). The model
// DMAs each into the buffer of the descriptor at RDH, in guest physical
// memory as the device would, writes its length and DD|EOP, advances RDH
// and sets ICR.RXT0; a packet that finds no descriptor (RDH == RDT), or the
// receiver off, is missed (MPC, ICR.RXO). The interrupt line is level,
// asserted while ICR & IMS is non-zero (reading ICR clears it), and moderated
// by ITR as QEMU's e1000 does: a rising edge at most once every ITR x 256 ns
// of modeled time; a cause set sooner waits for the interval to elapse and
// is folded into that later interrupt with whatever else came meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/board_costs.h"
#include "sim/guest_memory.h"
#include "sim/register_window.h"
#include "sim/sim_cpu.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct NicTotals {
  std::uint64_t arrived = 0;    // packets the wire delivered
  std::uint64_t dropped = 0;    // of those, missed: no free descriptor, the receiver off, or no buffer memory
  std::uint64_t ring_full = 0;  // of the dropped, missed because the ring was full (RDH == RDT)
  std::uint64_t delivered = 0;  // written into the ring (DD set)
  std::uint64_t delivered_bytes = 0;
  std::uint64_t checksum = 0;   // FNV-1a of the delivered bytes, in order (core/drivers/nic.h)
  std::uint64_t causes = 0;     // interrupt causes set while enabled in IMS (RXT0 per packet, RXO per miss)
  std::uint64_t raised = 0;     // interrupts raised (rising edges of the line)
  std::uint64_t moderated = 0;  // causes that got no interrupt of their own: folded into another
};

class NicModel {
 public:
  // The line raises `vector`; ITR counts 256 ns units of a `cpu_hz` clock.
  NicModel(const BoardCosts& costs, Vector vector, GuestMemory& memory, std::uint64_t cpu_hz);

  // Map the register space into `cpu`'s engine.
  void attach(SimCpu& cpu);
  // Packet `index` (nic_payload.h) arrives, for `target`'s interrupt controller.
  void receive(SimCpu& target, std::uint64_t index);
  // The moderation interval the model asked for (an EventKind::DeviceTimer
  // on the target's timeline) has elapsed: raise what waited.
  void moderation_elapsed(SimCpu& target);

  const NicTotals& totals() const { return totals_; }
  // Causes set and not yet raised or folded (pending at the run's end).
  std::uint64_t pending_causes() const { return unraised_; }

  using Register = std::uint32_t;  // the registers' width
  Register read(SimCpu& cpu, std::uint64_t reg);
  void write(SimCpu& cpu, std::uint64_t reg, std::uint32_t value);

 private:
  void set_cause(std::uint32_t bits, Cycles now);
  void update_line(Cycles now);
  Cycles interval() const;
  std::uint32_t descriptor_count() const { return rdlen_ / 16; }
  void reset();

  RegisterWindow<NicModel> window_;
  BoardCosts costs_;
  Vector vector_;
  GuestMemory& memory_;
  std::uint64_t cpu_hz_;
  SimCpu* target_ = nullptr;  // the CPU its line raises on (set by the first arrival)

  std::uint32_t ctrl_ = 0;
  std::uint32_t icr_ = 0;
  std::uint32_t ims_ = 0;
  std::uint32_t itr_ = 0;
  std::uint32_t rctl_ = 0;
  std::uint32_t rdbal_ = 0, rdbah_ = 0, rdlen_ = 0, rdh_ = 0, rdt_ = 0, rdtr_ = 0, radv_ = 0;
  std::uint32_t mpc_ = 0;  // missed packets since the last MPC read

  bool raised_once_ = false;
  Cycles last_raise_ = 0;
  bool timer_armed_ = false;   // a DeviceTimer event is queued
  std::uint64_t unraised_ = 0;  // causes set since the last rising edge or ICR read
  NicTotals totals_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
