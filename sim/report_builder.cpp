#include "sim/report_builder.h"

#include <algorithm>

#include "core/drivers/driver_table.h"
#include "core/interrupt/vectors.h"
#include "sim/end_of_run_checks.h"
#include "sim/vector_names.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

TickExpectation expected_ticks(const SimCpu& cpu, const SimCpu& boot, Cycles period) {
  TickExpectation e;
  const Cycles boot_cpu_booted_at = boot.own_time.first_task_at();
  if (cpu.first_timer_deadline != 0) {
    if (cpu.cycles >= cpu.first_timer_deadline) {
      e.ticks = (cpu.cycles - cpu.first_timer_deadline) / period + 1;
      Cycles withheld = 0;
      for (const SimCpu::LateTick& late : cpu.late_ticks) {
        // The periods the delay spanned; a raise after the end withheld
        // the delayed tick itself too.
        withheld += late.due > cpu.cycles ? (cpu.cycles - late.expired) / period + 1
                                          : (late.due - late.expired) / period;
      }
      e.ticks -= std::min<std::uint64_t>(e.ticks, withheld);
    }
  } else if (const Cycles first_task = cpu.own_time.first_task_at(); first_task != 0) {
    e.ticks = (cpu.cycles - first_task) / period;
  } else if (boot_cpu_booted_at != 0 && cpu.cycles - cpu.started_at > 2 * (boot_cpu_booted_at + period)) {
    // Still not booted after twice the boot CPU's boot: it hangs, and owes
    // a tick every period since.
    e.ticks = (cpu.cycles - cpu.started_at - 2 * boot_cpu_booted_at) / period;
  } else {
    e.booting = true;
  }
  return e;
}

std::map<Vector, Cycles> handler_cycles_by_vector(const SimCpu& c) {
  std::map<Vector, Cycles> by_vector;
  for (PathId path = 0; path < kSyscallPathBase; ++path) {
    for (const bool switched : {false, true}) {
      const SampleHistogram& exclusive = c.accounting.samples(path, switched).cycles_exclusive;
      if (!exclusive.empty()) by_vector[static_cast<Vector>(path)] += exclusive.sum();
    }
  }
  return by_vector;
}

ReportBuilder::ReportBuilder(Parts parts) : p_(parts) {}

// One path's samples over `cpus`, in CPU order.
HandlerReport ReportBuilder::handler_report(PathId path, bool switched, const std::vector<const SimCpu*>& cpus) const {
  HandlerSamples all;
  for (const SimCpu* c : cpus) all.merge(c->accounting.samples(path, switched));
  HandlerReport h;
  if (!is_syscall_path(path)) h.vector = static_cast<Vector>(path);
  h.name = path_name(kGuestArchitecture, path, switched);
  h.count = all.cycles.count();
  h.cycles = Distribution::of(all.cycles);
  h.cycles_exclusive = Distribution::of(all.cycles_exclusive);
  h.instructions = Distribution::of(all.instructions);
  h.instructions_exclusive = Distribution::of(all.instructions_exclusive);
  h.kernel_span_instructions = Distribution::of(all.kernel_span_instructions);
  h.kernel_span_cycles = Distribution::of(all.kernel_span_cycles);
  h.cycles_histogram = latency_buckets(all.cycles, kChartSubBits);
  h.instructions_histogram = latency_buckets(all.instructions, kChartSubBits);
  h.cycles_log2 = latency_buckets(all.cycles, 0);
  h.budget = p_.scenario.budget_for(h.name);
  return h;
}

CpuReport ReportBuilder::cpu_report(const SimCpu& cpu) const {
  CpuReport cr;
  cr.id = cpu.cpu.id();
  cr.cycles = cpu.cycles;
  cr.idle_cycles = cpu.idle_cycles;
  cr.instructions = cpu.instructions;
  cr.ticks = cpu.accounting.samples(vector_path(cpu.timer_vector), false).cycles.count() +
             cpu.accounting.samples(vector_path(cpu.timer_vector), true).cycles.count();
  cr.expected_ticks =
      expected_ticks(cpu, *p_.cpus.front(), p_.scenario.cpu_hz / p_.scenario.tick_hz).ticks;
  cr.context_switches = p_.kernel.switches(cr.id);
  for (const auto& [vector, cycles] : handler_cycles_by_vector(cpu)) cr.handler_cycles += cycles;
  cr.first_task_at = cpu.own_time.first_task_at();
  const GuestKernelView::TraceMarkers markers = p_.kernel.trace_markers(cr.id);
  cr.trace_markers = markers.count;
  cr.trace_last_value = markers.last_value;
  if (markers.count != 0) {
    cr.trace_last_task = markers.last_task < p_.kernel.task_count() ? p_.kernel.task_name(static_cast<int>(markers.last_task))
                                                                    : std::to_string(markers.last_task);
  }
  for (PathId path = 0; path < kPathCount; ++path) {
    for (const bool switched : {false, true}) {
      HandlerReport h = handler_report(path, switched, {&cpu});
      if (h.count != 0) cr.handlers.push_back(std::move(h));
    }
  }
  return cr;
}

// One task, read from the guest's exported task table. The kernel adds a
// stint when it ends (switch_to): add the one still going, and the wait of a
// task still queued, up to its CPU's clock at the end.
TaskReport ReportBuilder::task_report(int i) const {
  const GuestTask g = p_.kernel.task(i);
  const SimCpus& cpus = p_.cpus;
  TaskReport t;
  t.name = g.name;
  t.user = g.user;
  t.alive = g.state != TaskState::Dead;
  t.ticks = g.ticks_run;
  t.switches_in = g.switches_in;
  t.gave_up = g.gave_up;
  t.cpu = g.cpu;
  const Cycles end = t.cpu < cpus.size() ? cpus[t.cpu]->cycles : cpus.front()->cycles;
  const auto tail = [&](Cycles since) { return end > since ? end - since : 0; };
  t.run_cycles = g.run_cycles;
  t.wait_cycles = g.wait_cycles;
  t.idle = p_.kernel.is_idle_task(i, p_.scenario.cpus);
  if (g.state == TaskState::Running) t.run_cycles += tail(g.running_since);
  // An idle task is never queued: its state says Runnable whenever it does not run.
  if (g.state == TaskState::Runnable && !t.idle) t.wait_cycles += tail(g.runnable_since);
  t.demand_cycles = t.run_cycles + t.wait_cycles;
  for (const auto& cpu : cpus) {
    if (cpu->started) t.own_cycles += cpu->own_time.own(i, cpu->cycles);
  }
  t.cpu_share =
      t.demand_cycles == 0 ? 0.0 : static_cast<double>(t.own_cycles) / static_cast<double>(t.demand_cycles);
  t.max_wait = g.max_wait;
  t.wakeups = g.wakeups;
  t.max_wake_latency = g.max_wake_latency;
  t.migrations = g.migrations;
  if (!t.alive) t.exit_code = g.exit_code;
  if (g.fault_vector != kNoFault) {
    t.fault = TaskFault{static_cast<Vector>(g.fault_vector), g.fault_ip, g.fault_error, g.fault_address};
  }
  t.has_progress_counter = g.progress_counter != 0;
  if (t.has_progress_counter) t.progress = p_.kernel.progress(g.progress_counter);
  return t;
}

Report ReportBuilder::build(const std::string& end) const {
  Report r;
  r.scenario = p_.scenario.name;
  r.arch = kGuestArchitecture;
  r.invariants_checked = end_of_run_invariants();
  r.seed = p_.scenario.seed;
  r.cpus = p_.scenario.cpus;
  r.cpu_hz = p_.scenario.cpu_hz;
  r.duration = p_.scenario.duration;
  std::vector<const SimCpu*> all_cpus;
  for (const auto& cpu : p_.cpus) {
    all_cpus.push_back(cpu.get());
    r.cycles = std::max(r.cycles, cpu->cycles);
    r.idle_cycles += cpu->idle_cycles;
    r.instructions += cpu->instructions;
  }
  r.end = end;
  for (const SourceSpec& s : p_.scenario.sources) {
    const drivers::DriverInfo* driver = s.driver ? &drivers::kDrivers[*s.driver] : nullptr;
    r.sources.push_back({.name = s.name,
                         .kind = source_kind_info(s.kind).name,
                         .vector = s.vector,
                         .cpu = s.cpu,
                         .driver = driver ? driver->name : "",
                         .handler = driver ? driver->handler_name : path_name(kGuestArchitecture, vector_path(s.vector), false)});
  }
  // The guest may print anything: keep the report printable (and valid UTF-8).
  r.console = p_.console;
  for (char& ch : r.console) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && ch != '\n' && ch != '\t') || u >= 0x7F) ch = '?';
  }

  SampleHistogram switch_cycles;
  for (PathId path = 0; path < kPathCount; ++path) {
    for (const bool switched : {false, true}) {
      HandlerReport h = handler_report(path, switched, all_cpus);
      if (h.count == 0) continue;
      if (switched) {
        for (const SimCpu* cpu : all_cpus) switch_cycles.merge(cpu->accounting.samples(path, true).cycles);
      }
      r.handlers.push_back(std::move(h));
    }
  }
  r.switch_cycles = Distribution::of(switch_cycles);
  r.switch_count = switch_cycles.count();

  for (const SimCpu* cpu : all_cpus) {
    if (!cpu->started) continue;
    CpuReport cr = cpu_report(*cpu);
    r.ticks += cr.ticks;
    r.expected_ticks += cr.expected_ticks;
    r.context_switches += cr.context_switches;
    r.per_cpu.push_back(std::move(cr));
  }
  r.ipis = p_.interconnect.ipi_report();

  for (int i = 0; i < static_cast<int>(p_.kernel.task_count()); ++i) {
    TaskReport t = task_report(i);
    if (t.user) r.max_wait = std::max(r.max_wait, t.max_wait);
    r.tasks.push_back(std::move(t));
  }

  for (const SimCpu* cpu : all_cpus) {
    r.interrupts.injected += cpu->interrupts.injected;
    r.interrupts.delivered += cpu->interrupts.delivered;
    r.interrupts.coalesced += cpu->interrupts.coalesced;
    r.interrupts.pending += cpu->controller.pending_count();
  }
  const std::uint64_t accounted = r.interrupts.delivered + r.interrupts.coalesced + r.interrupts.pending;
  r.interrupts.lost = r.interrupts.injected > accounted ? r.interrupts.injected - accounted : 0;
  p_.faults.finish(*p_.cpus.front(), r);  // faults are injected on the boot CPU
  return r;
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
