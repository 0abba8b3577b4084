// Fault injection (Simulator members): the scenario's [[fault]] tables turned
// into events, each injected where real kernels break, listed in the report
// with where it hit and what the kernel did about it.
#include <capstone/capstone.h>
#include <fmt/format.h>

#include "core/cpu_local.h"
#include "core/interrupt/vectors.h"
#include "core/sched/task.h"
#include "sim/saturating.h"
#include "sim/simulator.h"

namespace pristine::sim {
namespace {

constexpr Cycles kRepeatDelay = 300;  // a second timer / same-vector raise, while the first is in service

}  // namespace

void Simulator::schedule_fault(std::uint32_t index) {
  const FaultSpec& f = scenario_.faults[index];
  if (f.count != 0 && fault_injections_[index] >= f.count) return;
  cpus_.front()->events.push({.time = fault_sources_[index].next_arrival(), .kind = EventKind::Fault, .source = index});
}

std::string Simulator::context_of(const SimCpu& c) const {
  if (c.cpu.cpl() == 3) {
    const int task = guest_current_task(c);
    return fmt::format("ring 3 ({})", task >= 0 ? guest_task_name(task) : "?");
  }
  return c.accounting.depth() == 0 ? "ring 0 (kernel thread or idle)"
                                   : fmt::format("ring 0, in {}", path_name(c.accounting.innermost(), false));
}

int Simulator::record_fault(const SimCpu& c, FaultKind kind, std::string context, std::string outcome) {
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  faults_.push_back({fault_kind_name(kind), c.cycles, rip, image_.describe(rip), std::move(context), std::move(outcome)});
  return static_cast<int>(faults_.size() - 1);
}

void Simulator::inject_fault(SimCpu& c, std::uint32_t index) {
  const FaultSpec& f = scenario_.faults[index];
  // Nothing is injected before the kernel has set up its tables and armed
  // its first tick: a fault during early boot would test the boot order, not
  // the handlers (and would depend on how long boot takes).
  if (c.first_timer_deadline == 0) {
    schedule_fault(index);
    return;
  }
  ++fault_injections_[index];
  switch (f.kind) {
    case FaultKind::Nmi:
      if (!c.nmi_pending) {
        c.nmi_pending = true;
        c.nmi_record = record_fault(c, f.kind, "", "pending");
      }
      break;
    case FaultKind::NmiSwapgsWindow:
      if (c.window_nmi < 0) c.window_nmi = static_cast<int>(index);
      break;
    case FaultKind::Spurious:
      ++totals_.injected;
      if (!c.controller.raise(vectors::kSpurious)) ++totals_.coalesced;
      break;
    case FaultKind::TimerDouble:
      c.timer_double = static_cast<int>(index);
      break;
    case FaultKind::TimerLate:
      c.timer_late = static_cast<int>(index);
      break;
    case FaultKind::SameVector:
      c.same_vector[f.vector] = static_cast<int>(index);
      break;
    case FaultKind::LevelDevice:
      if (!c.level_asserted.test(f.vector)) {
        c.level_asserted.set(f.vector);
        c.level_record[f.vector] = record_fault(c, f.kind, fmt::format("line {:#x} asserted", f.vector), "");
        ++totals_.injected;
        if (!c.controller.raise(f.vector)) ++totals_.coalesced;
      }
      break;
    case FaultKind::PageFault: {
      if (injected_page_ != 0) break;
      int task = -1;
      const int count = static_cast<int>(std::min<std::uint32_t>(memory_.read<std::uint32_t>(tasks_), kMaxTasks));
      for (int t = 0; t < count; ++t) {
        if (guest_task_name(t) == f.task) task = t;
      }
      const VirtAddr entry = tasks_ + offsetof(TaskTable, tasks) + task * sizeof(Task);
      if (task < 0 || guest_task_state(task) == TaskState::Dead) break;
      const VirtAddr counter = memory_.read<VirtAddr>(entry + offsetof(Task, progress_counter));
      // Not present on every CPU: the task may run on any of them (faults
      // are injected from the boot CPU's turn, when no engine is running).
      injected_page_ = counter & ~VirtAddr{0xFFF};
      for (const auto& cpu : cpus_) check(uc_mem_unmap(cpu->cpu.uc(), injected_page_, 0x1000), "unmap injected page");
      memory_.set_hole(injected_page_, true);
      injected_page_record_ =
          record_fault(c, f.kind, fmt::format("page {:#x} of {} made not present", injected_page_, f.task), "");
      break;
    }
  }
  schedule_fault(index);
}

// The board timer expired: the late and double faults act here.
void Simulator::timer_expired(SimCpu& c) {
  if (c.timer_late >= 0) {
    const Cycles late = scenario_.faults[c.timer_late].late;
    const Cycles due = add_saturating(c.cycles, late);
    const int record = record_fault(c, FaultKind::TimerLate, context_of(c),
                                    fmt::format("timer raised {} cycles after its deadline", late));
    c.late_ticks.push_back({record, c.cycles, due});
    c.events.push({.time = due, .kind = EventKind::Raise, .vector = c.timer_vector});
    c.timer_late = -1;
    return;
  }
  ++totals_.injected;
  if (!c.controller.raise(c.timer_vector)) ++totals_.coalesced;
  if (c.timer_double >= 0) {
    record_fault(c, FaultKind::TimerDouble, context_of(c), "timer raised twice");
    c.events.push({.time = add_saturating(c.cycles, kRepeatDelay), .kind = EventKind::Raise, .vector = c.timer_vector});
    c.timer_double = -1;
  }
}

// NMIs ignore IF and the controller; one is blocked while another is handled.
bool Simulator::try_deliver_nmi(SimCpu& c) {
  if (!c.nmi_pending || c.nmi_blocked) return false;
  c.nmi_pending = false;
  c.nmi_blocked = true;
  if (c.nmi_record >= 0) {
    faults_[c.nmi_record].rip = c.cpu.reg(UC_X86_REG_RIP);
    faults_[c.nmi_record].symbol = image_.describe(faults_[c.nmi_record].rip);
    if (faults_[c.nmi_record].context.empty()) faults_[c.nmi_record].context = context_of(c);
    c.open_fault_record = c.nmi_record;
    c.nmi_record = -1;
  }
  const bool from_user = c.cpu.cpl() == 3;
  c.accounting.open(vector_path(vectors::kNmi), c.cycles, c.instructions, guest_switches(c),
                    {c.cpu.reg(UC_X86_REG_RSP), c.cpu.reg(UC_X86_REG_RIP), !from_user});
  note_context(c);
  if (from_user) checker_.leave_user(c.cpu, guest_current_task(c), vector_path(vectors::kNmi), c.cycles, c.instructions);
  const DeliveryOutcome out = deliver(c.cpu, memory_, {vectors::kNmi, DeliveryKind::External, 0});
  if (!out.delivered) {
    fail(c, "triple-fault", out.failure, vectors::kNmi);
    return false;
  }
  const EventCosts& e = costs_.table().events();
  c.cycles += from_user ? e.interrupt_delivery_from_user : e.interrupt_delivery_same_ring;
  c.halted = false;
  c.last_block_flags = 0;
  return true;
}

// Stopped at interrupt_return's swapgs with an NMI armed: execute the swapgs
// as the CPU would (exchange GS base and KERNEL_GS_BASE), then take the NMI
// with RIP at the iretq: ring 0 code, user GS base.
void Simulator::inject_window_nmi(SimCpu& c) {
  // The stop must have landed at the window (a stop request can take effect
  // later); otherwise try again at the next window. Whether the swapgs has
  // already run is read from the GS base itself, not inferred from RIP.
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  if (rip != window_swapgs_ && rip != window_swapgs_ + 3) return;
  if (c.cpu.reg(UC_X86_REG_GS_BASE) >= 0xFFFF800000000000) {
    const std::uint64_t gs = c.cpu.reg(UC_X86_REG_GS_BASE);
    c.cpu.set_reg(UC_X86_REG_GS_BASE, c.cpu.msr(kMsrKernelGsBase));
    c.cpu.set_msr(kMsrKernelGsBase, gs);
  }
  c.cpu.set_reg(UC_X86_REG_RIP, window_swapgs_ + 3);
  c.cycles += costs_.table().instruction_cost(X86_INS_SWAPGS, false, false);
  const FaultKind kind = scenario_.faults[c.window_nmi].kind;
  c.window_nmi = -1;
  c.nmi_pending = true;
  c.nmi_record = record_fault(c, kind, "swapgs/iretq window (ring 0 code, user GS base)", "pending");
  try_deliver_nmi(c);
}

// A delivery record closed: finish the outcome of the fault it carried.
void Simulator::fault_record_closed(SimCpu& c, const ClosedRecord& closed) {
  if (closed.path == vectors::kNmi) c.nmi_blocked = false;
  if (c.open_fault_record < 0 || closed.path != vectors::kNmi) return;
  InjectedFault& f = faults_[c.open_fault_record];
  c.open_fault_record = -1;
  const bool same = !closed.switched && c.cpu.reg(UC_X86_REG_RIP) == f.rip;
  f.outcome = same ? "counted by the kernel; the interrupted context resumed where it was"
                   : fmt::format("handled; resumed at {}", image_.describe(c.cpu.reg(UC_X86_REG_RIP)));
}

// The injected not-present page was touched: it is back for the retry.
void Simulator::restore_fault_page(VirtAddr faulting_rip) {
  memory_.set_hole(injected_page_, false);
  for (const auto& cpu : cpus_) {
    check(uc_mem_map_ptr(cpu->cpu.uc(), injected_page_, 0x1000, UC_PROT_ALL, memory_.host(injected_page_, 0x1000)),
          "remap injected page");
  }
  if (injected_page_record_ >= 0) {
    InjectedFault& f = faults_[injected_page_record_];
    f.rip = faulting_rip;
    f.symbol = image_.describe(faulting_rip);
    f.outcome = "touched";
  }
  injected_page_ = 0;
  injected_page_record_ = -1;
}

void Simulator::finish_fault_report(const SimCpu& c, Report& r) const {
  r.faults = faults_;
  const VirtAddr local = cpu_local_ + c.cpu.id() * sizeof(CpuLocal);
  const std::uint64_t early = memory_.read<std::uint64_t>(local + offsetof(CpuLocal, early_ticks));
  for (InjectedFault& f : r.faults) {
    if (f.kind == "page-fault") {
      const std::string task = f.context.substr(f.context.find(" of ") + 4, f.context.find(" made") - f.context.find(" of ") - 4);
      if (f.outcome != "touched") {
        f.outcome = "not touched again before the run ended";
        continue;
      }
      for (const TaskReport& t : r.tasks) {
        if (t.name != task) continue;
        f.outcome = t.alive ? "#PF served by the kernel (a not-present page in the task's own memory); the access was "
                              "retried and the task kept running"
                            : "the task was ended";
      }
    }
    if (f.kind == "timer-double") {
      f.outcome = fmt::format("second interrupt acknowledged and ignored by the kernel ({} early tick(s) in all)", early);
    }
    if (f.kind == "level-device") {
      f.outcome = c.level_reassertions == 0 ? "acknowledged by the driver before EOI: the line dropped, no re-assertion"
                                           : fmt::format("re-asserted {} time(s) before the driver acknowledged it",
                                                         c.level_reassertions);
    }
    if (f.kind == "spurious" || f.kind == "same-vector") {
      // Completed from the handler samples (below) if nothing more specific.
    }
  }
  for (const SimCpu::LateTick& late : c.late_ticks) {
    if (late.due > c.cycles) {
      r.faults[late.record].outcome =
          fmt::format("deadline passed; the delayed interrupt was due at cycle {}, after the run ended at cycle {}: "
                      "never raised",
                      late.due, c.cycles);
    }
  }
  // Spurious interrupts and same-vector repeats appear as handler samples.
  for (const FaultSpec& spec : scenario_.faults) {
    if (spec.kind == FaultKind::Spurious) {
      const auto& s = c.accounting.samples(vector_path(vectors::kSpurious), false);
      r.faults.push_back({"spurious", 0, 0, "", fmt::format("{} delivered on vector 0xff", s.cycles.size()),
                          "handled without EOI (checked per delivery)"});
    }
    if (spec.kind == FaultKind::SameVector) {
      r.faults.push_back({"same-vector", 0, 0, "", fmt::format("vector {:#x} raised while in service", spec.vector),
                          "held pending until the EOI, then delivered again"});
    }
  }
  if (c.level_reassertions > 1000) {
    r.violations.push_back({.kind = "interrupt-storm",
                            .message = fmt::format("a level-triggered line was re-asserted {} times: the driver never "
                                                   "acknowledged the device before its EOI",
                                                   c.level_reassertions),
                            .symbol = image_.describe(c.level_storm_rip),
                            .rip = c.level_storm_rip});
  }
}

}  // namespace pristine::sim
