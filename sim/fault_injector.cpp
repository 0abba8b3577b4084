#include "sim/fault_injector.h"

#include <fmt/format.h>

#include "core/interrupt/vectors.h"
#include "sim/saturating.h"
#include "sim/vector_names.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

constexpr Cycles kRepeatDelay = 300;  // a second timer / same-vector raise, while the first is in service

}  // namespace

FaultInjector::FaultInjector(Parts p)
    : scenario_(p.scenario),
      cpus_(p.cpus),
      memory_(p.memory),
      image_(p.image),
      kernel_(p.kernel),
      costs_(p.costs),
      window_swapgs_(p.image.find_symbol("interrupt_return_swapgs").value_or(0)) {}

void FaultInjector::arm() {
  for (std::uint32_t i = 0; i < scenario_.faults.size(); ++i) {
    const FaultSpec& f = scenario_.faults[i];
    SourceSpec arrivals{.name = fault_kind_name(f.kind), .kind = SourceKind::Poisson, .start = f.start, .period = f.mean};
    sources_.emplace_back(arrivals, scenario_.seed, 1000 + i);
    injections_.push_back(0);
    schedule(i);
  }
}

// Faults arrive on the boot CPU's timeline.
void FaultInjector::schedule(std::uint32_t index) {
  const FaultSpec& f = scenario_.faults[index];
  if (f.count != 0 && injections_[index] >= f.count) return;
  cpus_.front()->schedule({.time = sources_[index].next_arrival(), .kind = EventKind::Fault, .source = index});
}

std::string FaultInjector::context_of(const SimCpu& c) const {
  if (c.cpu.user_mode()) {
    const int task = kernel_.current_task(c.cpu.id());
    return fmt::format("{} ({})", kCpuNames.user_level, task >= 0 ? kernel_.task_name(task) : "?");
  }
  return c.accounting.depth() == 0
             ? fmt::format("{} (kernel thread or idle)", kCpuNames.kernel_level)
             : fmt::format("{}, in {}", kCpuNames.kernel_level, path_name(kGuestArchitecture, c.accounting.innermost(), false));
}

int FaultInjector::record(const SimCpu& c, FaultKind kind, std::string context, std::string outcome) {
  const VirtAddr rip = c.cpu.pc();
  faults_.push_back({fault_kind_name(kind), c.cycles, rip, image_.describe(rip), std::move(context), std::move(outcome)});
  return static_cast<int>(faults_.size() - 1);
}

bool FaultInjector::inject(SimCpu& c, std::uint32_t index) {
  const FaultSpec& f = scenario_.faults[index];
  // Nothing is injected before the kernel has set up its tables and armed
  // its first tick: a fault during early boot would test the boot order, not
  // the handlers (and would depend on how long boot takes).
  if (c.first_timer_deadline == 0) {
    schedule(index);
    return false;
  }
  ++injections_[index];
  switch (f.kind) {
    case FaultKind::Nmi:
      if (!c.nmi_pending) {
        c.nmi_pending = true;
        c.nmi_record = record(c, f.kind, "", "pending");
      }
      break;
    case FaultKind::NmiSwapgsWindow:
      if (c.window_nmi < 0) c.window_nmi = static_cast<int>(index);
      break;
    case FaultKind::Spurious:
      raise_interrupt(c, vectors::kSpurious);
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
        c.level_record[f.vector] = record(c, f.kind, fmt::format("line {:#x} asserted", f.vector), "");
        raise_interrupt(c, f.vector);
      }
      break;
    case FaultKind::PageFault:
      take_page_away(c, f);
      break;
  }
  schedule(index);
  return true;
}

// The page holding the task's progress counter, not present on every CPU:
// the task may run on any of them (faults are injected from the boot CPU's
// turn, when no engine is running).
void FaultInjector::take_page_away(SimCpu& c, const FaultSpec& f) {
  if (injected_page_ != 0) return;
  const std::optional<int> task = kernel_.find_task(f.task);
  if (!task || kernel_.task_state(*task) == TaskState::Dead) return;
  injected_page_ = kernel_.task(*task).progress_counter & ~VirtAddr{0xFFF};
  for (const auto& cpu : cpus_) cpu->cpu.take_page_away(injected_page_);
  memory_.set_hole(injected_page_, true);
  injected_page_record_ =
      record(c, f.kind, fmt::format("page {:#x} of {} made not present", injected_page_, f.task), "");
}

// The board timer expired: the late and double faults act here.
void FaultInjector::timer_expired(SimCpu& c) {
  if (c.timer_late >= 0) {
    const Cycles late = scenario_.faults[c.timer_late].late;
    const Cycles due = add_saturating(c.cycles, late);
    const int late_record = record(c, FaultKind::TimerLate, context_of(c),
                                   fmt::format("timer raised {} cycles after its deadline", late));
    c.late_ticks.push_back({late_record, c.cycles, due});
    c.schedule({.time = due, .kind = EventKind::Raise, .vector = c.timer_vector});
    c.timer_late = -1;
    return;
  }
  raise_interrupt(c, c.timer_vector);
  if (c.timer_double >= 0) {
    record(c, FaultKind::TimerDouble, context_of(c), "timer raised twice");
    c.schedule({.time = add_saturating(c.cycles, kRepeatDelay), .kind = EventKind::Raise, .vector = c.timer_vector});
    c.timer_double = -1;
  }
}

// NMIs ignore IF and the controller; one is blocked while another is handled.
bool FaultInjector::take_nmi(SimCpu& c) {
  if (!c.nmi_pending || c.nmi_blocked) return false;
  c.nmi_pending = false;
  c.nmi_blocked = true;
  if (c.nmi_record >= 0) {
    InjectedFault& f = faults_[c.nmi_record];
    f.rip = c.cpu.pc();
    f.symbol = image_.describe(f.rip);
    if (f.context.empty()) f.context = context_of(c);
    c.open_fault_record = c.nmi_record;
    c.nmi_record = -1;
  }
  return true;
}

// A delivery record closed: finish the outcome of the fault it carried.
void FaultInjector::record_closed(SimCpu& c, const ClosedRecord& closed) {
  if (closed.path == vectors::kNmi) {
    // The iretq that ended one NMI ends the blocking: one latched meanwhile
    // is taken before the next instruction (SDM Vol. 3, 6.7.1), so the
    // engine stops at this block.
    c.nmi_blocked = false;
    if (c.nmi_pending) c.stop_at = 0;
  }
  if (c.open_fault_record < 0 || closed.path != vectors::kNmi) return;
  InjectedFault& f = faults_[c.open_fault_record];
  c.open_fault_record = -1;
  const bool same = !closed.switched && c.cpu.pc() == f.rip;
  f.outcome = same ? "counted by the kernel; the interrupted context resumed where it was"
                   : fmt::format("handled; resumed at {}", image_.describe(c.cpu.pc()));
}

bool FaultInjector::hits_injected_page(VirtAddr address) const {
  return injected_page_ != 0 && (address & ~VirtAddr{0xFFF}) == injected_page_;
}

// The injected not-present page was touched: it is back for the retry.
void FaultInjector::page_touched(VirtAddr faulting_rip) {
  memory_.set_hole(injected_page_, false);
  for (const auto& cpu : cpus_) cpu->cpu.give_page_back(injected_page_);
  if (injected_page_record_ >= 0) {
    InjectedFault& f = faults_[injected_page_record_];
    f.rip = faulting_rip;
    f.symbol = image_.describe(faulting_rip);
    f.outcome = "touched";
  }
  injected_page_ = 0;
  injected_page_record_ = -1;
}

void FaultInjector::run_ended() {
  if (injected_page_ != 0) memory_.set_hole(injected_page_, false);
}

void FaultInjector::finish(const SimCpu& c, Report& r) const {
  r.faults = faults_;
  const std::uint64_t early = kernel_.early_ticks(c.cpu.id());
  for (InjectedFault& f : r.faults) {
    if (f.kind == "page-fault") {
      const std::string task = f.context.substr(f.context.find(" of ") + 4, f.context.find(" made") - f.context.find(" of ") - 4);
      if (f.outcome != "touched") {
        f.outcome = "not touched again before the run ended";
        continue;
      }
      for (const TaskReport& t : r.tasks) {
        if (t.name != task) continue;
        f.outcome = t.alive ? fmt::format("{} served by the kernel (a not-present page in the task's own memory); the "
                                          "access was retried and the task kept running",
                                          kCpuNames.page_fault)
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
      r.faults.push_back({"spurious", std::nullopt, 0, "", fmt::format("{} delivered on vector 0xff", s.cycles.count()),
                          "handled without EOI (checked per delivery)"});
    }
    if (spec.kind == FaultKind::SameVector) {
      r.faults.push_back({"same-vector", std::nullopt, 0, "", fmt::format("vector {:#x} raised while in service", spec.vector),
                          "held pending until the EOI, then delivered again"});
    }
  }
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
