// What connects the simulated CPUs (the board's BoardBus): IPIs with their
// latency and the ledger that proves each send was handled exactly once,
// CPU start-up. Console output and clock reads go to the pristine-path rules.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/board_bus.h"
#include "sim/board_costs.h"
#include "sim/guest_image.h"
#include "sim/pristine_rules.h"
#include "sim/report.h"
#include "sim/sample_histogram.h"
#include "sim/sim_cpu.h"
#include "sim/tlb_model.h"
#include "sim/trace_recorder.h"
#include "sim/violations.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

using SimCpus = std::vector<std::unique_ptr<SimCpu>>;

class Interconnect final : public BoardBus {
 public:
  struct Parts {
    SimCpus& cpus;
    const GuestImage& image;
    const BoardCosts& costs;
    TlbModel& tlb;
    PristineRules& rules;
    Violations& violations;
  };
  explicit Interconnect(Parts parts);

  // BoardBus.
  std::uint32_t cpu_count() const override { return static_cast<std::uint32_t>(cpus_.size()); }
  void send_ipi(SimCpu& from, CpuId target, Vector vector) override;
  void send_ipi_to_others(SimCpu& from, Vector vector) override;
  void start_cpu(SimCpu& from, CpuId target) override;
  void console_output(SimCpu& cpu) override;
  void clock_read(SimCpu& cpu) override;
  void interrupt_acknowledged(SimCpu& cpu, Vector vector) override;

  // The run loop's side.
  void ipi_raised(SimCpu& c, Vector vector, Cycles sent_at, bool coalesced);
  void ipi_taken(SimCpu& c, Vector vector);
  // Every send from now on is also a trace flow.
  void trace_to(TraceRecorder* recorder) { trace_ = recorder; }

  // Sends, handles and latencies per vector; every send handled or in flight.
  IpiReport ipi_report() const;

 private:
  SimCpus& cpus_;
  const GuestImage& image_;
  const BoardCosts& costs_;
  TlbModel& tlb_;
  PristineRules& rules_;
  Violations& violations_;
  VirtAddr secondary_entry_;   // sim_secondary_entry; 0: the image starts no other CPU
  // Per vector (any vector may be sent; the report lists those that were).
  std::array<std::uint64_t, kVectorCount> ipi_sent_{};
  std::array<SampleHistogram, kVectorCount> ipi_latency_;  // send to handle (bounded memory)
  std::uint64_t ipi_coalesced_ = 0;
  TraceRecorder* trace_ = nullptr;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
