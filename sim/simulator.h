// The simulator: runs sim-kernel.elf on Unicorn under a scenario, delivers
// interrupts host-side as the CPU would, advances modeled time block by block,
// and accounts every handler. Deterministic: modeled time, the scenario and
// its seed are the only inputs.
//
// This class is the run loop and the wiring; each concern is its own part
// (docs/architecture.md, "The simulator's parts"). The steps that differ by
// CPU (the hooks, the block hook, the stops a run ends in and the entries
// they make) are members defined in sim/<arch>/run_steps.cpp, one file per
// architecture, since the engine is compiled once per architecture
// (sim/guest_arch.h):
//   Interconnect      the board bus: IPIs, CPU start-up
//   TlbModel          stale translations and shootdowns
//   GuestKernelView   every read of the kernel's own tables
//   ArchParts         the architecture's own (sim/<arch>/run_parts.h)
//   FaultInjector     the scenario's faults
//   PathInvariants    run-time invariants; EndOfRunChecks the final ones;
//                     Violations the one sink they all report to
//   ReportBuilder     the measurements of the report
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/arch_run_parts.h"
#include "sim/context_checker.h"
#include "sim/event_source.h"
#include "sim/fault_injector.h"
#include "sim/guest_image.h"
#include "sim/guest_kernel_view.h"
#include "sim/guest_memory.h"
#include "sim/interconnect.h"
#include "sim/path_invariants.h"
#include "sim/pristine_rules.h"
#include "sim/profile_regions.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/sim_board.h"
#include "sim/sim_cpu.h"
#include "sim/simulation.h"
#include "sim/tlb_model.h"
#include "sim/trace_recorder.h"
#include "sim/interrupt_to_user.h"
#include "sim/nic_model.h"
#include "sim/uart_model.h"
#include "sim/violations.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class Simulator : public Simulation {
 public:
  Simulator(const Scenario& scenario, const std::filesystem::path& image);
  ~Simulator() override;

  Report run() override;
  void trace_to(TraceRecorder& recorder) override;
  void report_progress(std::function<void(Cycles done, Cycles total)> progress) override {
    progress_ = std::move(progress);
  }
  void stop_when(const std::atomic<bool>* stop) override { stop_ = stop; }

  // What a CPU's block hook is registered with.
  struct BlockHook {
    Simulator* simulator;
    SimCpu* cpu;
  };
  // arch_price's mark for the kernel's ring-0 return (with the flag that
  // ends a record): the privilege level stays 0, so closing the record reads
  // no register to learn it. Bits 16 and up are the engine's on both
  // architectures (sim/pristine_rules.h takes 16 to 18).
  static constexpr std::uint32_t kBlockReturnsWithinKernel = 1u << 19;
  // arch_price's mark for a block that reads the board clock's page
  // (sim/x86_64/clock_page_reads.h): the page is set before it runs.
  static constexpr std::uint32_t kBlockReadsClock = 1u << 20;

  // The block hook itself (Unicorn calls it for every block a CPU executes,
  // with the CPU's BlockHook): no trampoline between the engine and the
  // common case, which is the simulator's most frequent code.
  static void on_block(uc_engine* uc, std::uint64_t address, std::uint32_t size, void* hook);

 private:
  void write_boot_info();
  void device_data_arrived(SimCpu& cpu, const SourceSpec& source);
  static Vector uart0_vector() {
    return static_cast<Vector>(vectors::kDeviceBase +
                               drivers::kDrivers[static_cast<std::uint32_t>(drivers::DriverId::Uart0)].line);
  }
  static Vector nic0_vector() {
    return static_cast<Vector>(vectors::kDeviceBase +
                               drivers::kDrivers[static_cast<std::uint32_t>(drivers::DriverId::Nic0)].line);
  }
  std::vector<DeviceReport> device_reports() const;
  std::vector<NicReport> nic_reports() const;
  // on_block's rare cases, out of line.
  bool stop_due(SimCpu& cpu, VirtAddr address);
  void flag_forbidden(SimCpu& cpu, VirtAddr address, const BlockCost& cost);
  const BlockCost& price_block(SimCpu& cpu, VirtAddr address, std::uint32_t size);
  void first_sight_of_forbidden(SimCpu& cpu, VirtAddr address, std::uint32_t size, const BlockCost& cost);
  bool at_watched_block(SimCpu& cpu, VirtAddr address);
  void stop_before_block(SimCpu& cpu, VirtAddr address, StopReason reason);
  void returned(SimCpu& cpu);
  void record_closed(SimCpu& cpu, const ClosedRecord& closed);
  void fire_due_events(SimCpu& cpu);
  Cycles next_event_time(const SimCpu& cpu) const;
  bool try_deliver_interrupt(SimCpu& cpu);
  bool enter_handler(SimCpu& cpu, PathId path, const DeliveryRequest& request, DeliveryOutcome& out);
  void deliver_exception(SimCpu& cpu, const DeliveryRequest& request);
  void page_flushed(SimCpu& cpu, VirtAddr page);

  // Defined per architecture (sim/<arch>/run_steps.cpp).
  void install_hooks(SimCpu& cpu);
  // What a block earns by where it is, not by its instructions alone
  // (x86-64: the kernel's ring-0 return, interrupt_return_kernel_ret, ends a
  // record as iretq does; a read of the board clock's page is charged and
  // marked).
  void arch_price(VirtAddr address, std::uint32_t size, BlockCost& cost) const;
  void clock_read_ahead(SimCpu& cpu);
  // x86-64's: on_block past its common case (any flag to act on, a block
  // not yet priced, a stop due).
  void on_block_in_full(SimCpu& cpu, VirtAddr address, std::uint32_t size, const BlockCost* cost);
  void fast_string_block(SimCpu& cpu, VirtAddr address, const BlockCost& cost);
  void fast_string_burst(SimCpu& cpu, const BlockCost& cost);
  // x86-64's: a fast string's bytes, then flag_forbidden.
  void charge_rare(SimCpu& cpu, VirtAddr address, const BlockCost& cost);
  // AArch64's: at a return to EL0 in another space, no translation the CPU
  // holds for its ASID that its tables no longer give (sim/aarch64/asid_tlb.h).
  void check_held_translations(SimCpu& cpu);
  // What an exception or software interrupt is measured as: its vector's
  // path, or the system call it makes.
  PathId exception_path(const SimCpu& cpu, const DeliveryRequest& request) const;
  bool try_deliver_nmi(SimCpu& cpu);
  void take_syscall(SimCpu& cpu);
  void take_page_fault(SimCpu& cpu);
  // Run the CPU until a hook stops it, then act on why it stopped.
  void run_guest(SimCpu& cpu);

  void run_cpu(SimCpu& cpu, Cycles horizon);
  std::uint64_t switches(const SimCpu& cpu) const { return kernel_.switches(cpu.cpu.id()); }
  int current_task(const SimCpu& cpu) const { return kernel_.current_task(cpu.cpu.id()); }
  void note_context(SimCpu& cpu);
  // The trace's slow side, out of line.
  void trace_task(const SimCpu& cpu);
  void trace_source(const SimCpu& cpu, const Event& e);
  void trace_fault(const SimCpu& cpu, std::uint32_t index);
  void check_waits(const SimCpu& cpu);
  void fail(SimCpu& cpu, std::string kind, std::string message, std::optional<Vector> vector = {});

  Scenario scenario_;
  GuestImage image_;
  GuestMemory memory_;
  CostModel costs_;
  SimBoard board_;
  GuestKernelView kernel_;
  Violations violations_;
  PathInvariants invariants_;
  PristineRules rules_;
  ContextChecker checker_;
  ArchParts arch_;  // the architecture's own (sim/<arch>/run_parts.h)
  TlbModel tlb_;
  VirtAddr user_start_, user_end_;  // the ring-3 region
  BlockCache blocks_;  // priced blocks, one table for every CPU (scenario.cpus <= 8 < BlockCache::kMaxCpus)
  SimCpus cpus_;
  Interconnect interconnect_;
  FaultInjector faults_;
  std::vector<EventSource> sources_;  // the scenario's device sources
  UartModel uart0_;                   // the board's devices (sim/uart_model.h, sim/nic_model.h)
  NicModel nic0_;
  InterruptToUser irq_to_user_;       // latency of ring-3 drivers' interrupts
  ProfileRegions profiles_;           // regions ring-3 tasks profile (profile_start/profile_stop)
  bool uart0_driven_ = false;         // a source drives it: its driver is started
  bool nic0_driven_ = false;
  std::vector<std::unique_ptr<BlockHook>> block_hooks_;
  TraceRecorder* trace_ = nullptr;
  std::function<void(Cycles, Cycles)> progress_;
  const std::atomic<bool>* stop_ = nullptr;
  std::string end_;
  bool finished_ = false;
};

// This copy's Simulator (sim/simulation.h's make_simulation picks it).
std::unique_ptr<Simulation> make_simulator(const Scenario& scenario, const std::filesystem::path& image);

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
