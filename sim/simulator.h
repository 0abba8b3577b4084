// The simulator: runs sim-kernel.elf on Unicorn under a scenario, delivers
// interrupts host-side as the CPU would, advances modeled time block by block,
// and accounts every handler. Deterministic: modeled time, the scenario and
// its seed are the only inputs.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "core/sched/task.h"
#include "sim/alignment_checks.h"
#include "sim/context_checker.h"
#include "sim/cost_model.h"
#include "sim/delivery.h"
#include "sim/event_queue.h"
#include "sim/event_source.h"
#include "sim/fault_locator.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/sim_board.h"
#include "sim/sim_cpu.h"
#include "sim/tlb_model.h"
#include "sim/pristine_rules.h"

namespace pristine::sim {

class Simulator {
 public:
  Simulator(const Scenario& scenario, const std::filesystem::path& image);
  ~Simulator();

  Report run();

  // Hook entry points (called from Unicorn callbacks).
  void on_block(SimCpu& cpu, VirtAddr address, std::uint32_t size);

  // Board entry points (sim/sim_board.cpp): what one CPU's register write
  // does to the others.
  void send_ipi(SimCpu& from, CpuId target, Vector vector);
  void send_ipi_to_others(SimCpu& from, Vector vector);
  void start_cpu(SimCpu& from, CpuId target);
  void unmap_kernel_page(SimCpu& from, VirtAddr page);
  void unmap_user_page(SimCpu& from, VirtAddr page);
  void map_user_page(SimCpu& from, VirtAddr page);
  std::uint32_t cpu_count() const { return static_cast<std::uint32_t>(cpus_.size()); }
  void console_output(SimCpu& cpu);
  void clock_read(SimCpu& cpu);

 private:
  void write_boot_info();
  void stop_before_block(SimCpu& cpu, VirtAddr address, StopReason reason);
  void check_block_rules(SimCpu& cpu, VirtAddr address, const BlockCost& cost);
  void fire_due_events(SimCpu& cpu);
  Cycles next_event_time(const SimCpu& cpu) const;
  bool try_deliver_interrupt(SimCpu& cpu);
  void run_guest(SimCpu& cpu);
  void run_cpu(SimCpu& cpu, Cycles horizon);
  void apply_board_mmu(SimCpu& cpu);
  void unmap_everywhere(SimCpu& from, VirtAddr page);
  void tlb_flushed(SimCpu& cpu, VirtAddr page);
  void check_shootdowns(SimCpu& cpu);
  void ipi_taken(SimCpu& cpu, Vector vector);
  void deliver_exception(SimCpu& cpu, Vector vector, DeliveryKind kind, std::uint64_t error_code);
  void refresh_template(SimCpu& cpu);
  void emulate_syscall(SimCpu& cpu);
  bool emulate_sysret(SimCpu& cpu);
  std::uint64_t guest_switches(const SimCpu& cpu) const;
  int guest_current_task(const SimCpu& cpu) const;
  void note_context(SimCpu& cpu);
  TaskState guest_task_state(int task) const;
  std::string guest_task_name(int task) const;
  void check_waits(const SimCpu& cpu);
  void check_kernel_resume(SimCpu& cpu, const ClosedRecord& closed);
  void check_eois(SimCpu& cpu, const ClosedRecord& closed);
  void check_hot_entry(SimCpu& cpu, VirtAddr address);

  // Fault injection (sim/fault_injection.cpp).
  void schedule_fault(std::uint32_t index);
  void inject_fault(SimCpu& cpu, std::uint32_t index);
  void timer_expired(SimCpu& cpu);
  bool try_deliver_nmi(SimCpu& cpu);
  void inject_window_nmi(SimCpu& cpu);
  void fault_record_closed(SimCpu& cpu, const ClosedRecord& closed);
  void restore_fault_page(VirtAddr faulting_rip);
  int record_fault(const SimCpu& cpu, FaultKind kind, std::string context, std::string outcome);
  std::string context_of(const SimCpu& cpu) const;
  void finish_fault_report(const SimCpu& cpu, Report& report) const;
  void fail(SimCpu& cpu, std::string kind, std::string message, std::optional<Vector> vector = {});
  Report build_report() const;
  void report_cpu_shares(Report& report) const;
  Cycles two_scheduling_rounds() const;
  HandlerReport handler_report(PathId path, bool switched, const std::vector<const SimCpu*>& cpus) const;

  Scenario scenario_;
  GuestImage image_;
  GuestMemory memory_;
  CostModel costs_;
  SimBoard board_;
  std::unique_ptr<std::uint8_t[]> stub_page_;  // sysret stub, mapped in every engine
  VirtAddr cpu_local_;                         // the kernel's g_cpu_local array
  VirtAddr tasks_;                             // the kernel's task table
  VirtAddr hot_entry_[3];                      // x86_interrupt_dispatch, x86_exception_dispatch, x86_syscall_dispatch
  VirtAddr user_start_, user_end_;             // the ring-3 region
  AlignmentChecks alignment_checks_;
  InvlpgHooks invlpg_hooks_;
  PristineRules rules_;
  VirtAddr secondary_entry_ = 0;               // sim_secondary_entry
  std::vector<VirtAddr> unmapped_user_pages_;  // ring-3 pages the board MMU removed
  // Pages a task unmapped and has not yet returned to ring 3 from: (page, its CPU).
  std::map<int, std::vector<std::pair<VirtAddr, CpuId>>> unmaps_in_progress_;
  ContextChecker checker_;
  FaultLocator fault_locator_;
  std::vector<EventSource> fault_sources_;
  std::vector<std::uint32_t> fault_injections_;
  std::vector<InjectedFault> faults_;
  // The page an injected page fault made not present, on every CPU, until
  // the first access to it (one at a time).
  VirtAddr injected_page_ = 0;
  int injected_page_record_ = -1;
  VirtAddr window_swapgs_ = 0;  // interrupt_return_swapgs
  std::vector<std::unique_ptr<SimCpu>> cpus_;
  std::vector<EventSource> sources_;
  InterruptTotals totals_;
  // IPIs: sends per vector, send-to-handle latencies per vector.
  std::map<Vector, std::uint64_t> ipi_sent_;
  std::map<Vector, std::vector<Cycles>> ipi_latency_;
  std::uint64_t ipi_coalesced_ = 0;
  std::uint64_t shootdowns_ = 0;
  std::uint64_t tlb_flushes_ = 0;
  std::vector<Violation> violations_;
  std::string end_;
  bool finished_ = false;
};

}  // namespace pristine::sim
