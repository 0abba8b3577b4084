#include "sim/end_of_run_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/drivers/uart.h"
#include "core/interrupt/vectors.h"
#include "sim/report_builder.h"
#include "sim/saturating.h"
#include "sim/vector_names.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

using Check = void (*)(const FinishedRun&, Violations&);

double percent(Cycles part, Cycles whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

Cycles tick_period(const Scenario& s) { return s.cpu_hz / s.tick_hz; }

// The boot CPU neither armed its tick nor ran a task: nothing to judge yet.
bool boot_unfinished(const FinishedRun& run) {
  const SimCpu& boot = *run.cpus.front();
  return expected_ticks(boot, boot, tick_period(run.scenario)).booting;
}

// Every TLB shootdown the kernel started was acknowledged within its bound.
void shootdowns_acknowledged(const FinishedRun& run, Violations& out) {
  for (const auto& cpu : run.cpus) {
    if (!cpu->started) continue;
    if (const std::uint64_t timeouts = run.kernel.shootdown_timeouts(cpu->cpu.id())) {
      out.raise({.kind = "shootdown-timeout",
                 .message = fmt::format("CPU {}: {} TLB shootdown(s) not acknowledged within the kernel's bound",
                                        cpu->cpu.id(), timeouts),
                 .at_cycle = cpu->cycles});
    }
  }
}

// No CPU is starved of ticks (sim/report_builder.h, expected_ticks).
void ticks_delivered(const FinishedRun& run, Violations& out) {
  if (run.report.end != "duration") return;
  for (const CpuReport& cr : run.report.per_cpu) {
    const SimCpu& cpu = *run.cpus[cr.id];
    if (cpu.stopped || expected_ticks(cpu, *run.cpus.front(), tick_period(run.scenario)).booting) continue;
    if (cr.ticks * 10 < cr.expected_ticks * 9) {
      out.raise({.kind = "tick-starved",
                 .message = fmt::format("CPU {} took {} timer ticks of {} expected", cr.id, cr.ticks,
                                        cr.expected_ticks),
                 .at_cycle = cpu.cycles});
    }
  }
}

// Every IPI sent was handled exactly once, or is still on its way.
void ipis_accounted(const FinishedRun& run, Violations& out) {
  const IpiReport& i = run.report.ipis;
  if (i.handled + i.in_flight == i.sent) return;
  out.raise({.kind = "ipi-lost",
             .message = fmt::format("{} IPIs sent, {} handled, {} still in flight", i.sent, i.handled, i.in_flight)});
}

// Every path within its budget, end to end.
void budgets_kept(const FinishedRun& run, Violations& out) {
  for (const HandlerReport& h : run.report.handlers) {
    if (h.within_budget()) continue;
    out.raise({.kind = "budget",
               .message = fmt::format("{} took {} cycles, budget {}", h.name, h.cycles_exclusive.max, h.budget),
               .vector = h.vector,
               .cost_cycles = h.cycles_exclusive.max});
  }
}

// Every task that counts its progress advanced, judged once the run after
// boot lasted two scheduling rounds: every task had a turn by then, and one
// that yields its turn away a second one.
void tasks_progressed(const FinishedRun& run, Violations& out) {
  const SimCpu& boot = *run.cpus.front();
  if (boot_unfinished(run)) return;
  const Cycles rounds = two_scheduling_rounds(run.scenario, run.kernel);
  if (boot.cycles - boot.own_time.first_task_at() < rounds) return;
  for (const TaskReport& t : run.report.tasks) {
    // A task made late in the run (a spawned child, a thread, perhaps in a
    // reused slot) that has wanted the CPU all its life, for less than two
    // rounds, may not have had its turn yet.
    if (t.gave_up == 0 && t.demand_cycles < rounds) continue;
    if (t.has_progress_counter && t.alive && t.progress == 0) {
      out.raise({.kind = "no-progress", .message = fmt::format("task {} never advanced", t.name), .at_cycle = boot.cycles});
    }
  }
}

// A task that wanted the CPU for a while and got less than min_cpu_share of
// that time is starved, whatever the cause (docs/scenarios.md, CPU share).
// Judged: every task but the idle tasks that wanted the CPU for at least
// kMinDemandTicks ticks and two scheduling rounds (a task that waited less
// may simply not have had its turn yet), except one that ended at least
// half its stints itself (wait, sleep, yield, exit or a fatal fault: a
// pinger, a sleeper, a yielder, a program that ended at once): it wants
// less than it is offered, so the share of its runnable time says nothing;
// its waits are latency, the turns of the tasks ahead of it, which
// max_wait_ticks bounds. The message names the cause on the task's CPU: the
// handlers (the busiest vector) or the competing tasks, whichever took more
// of it.
void cpu_shares_fair(const FinishedRun& run, Violations& out) {
  constexpr Cycles kMinDemandTicks = 10;
  const Scenario& s = run.scenario;
  if (s.min_cpu_share <= 0 || boot_unfinished(run)) return;
  const std::vector<TaskReport>& tasks = run.report.tasks;
  const Cycles min_demand = std::max(kMinDemandTicks * tick_period(s), two_scheduling_rounds(s, run.kernel));
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskReport& t = tasks[i];
    const bool gives_the_cpu_up = t.switches_in != 0 && t.gave_up * 2 >= t.switches_in;
    if (t.idle || gives_the_cpu_up || t.demand_cycles < min_demand || t.cpu_share >= s.min_cpu_share) continue;
    if (t.cpu >= run.cpus.size()) continue;
    const SimCpu& cpu = *run.cpus[t.cpu];
    const Cycles total = cpu.cycles - cpu.started_at;
    const std::map<Vector, Cycles> by_vector = handler_cycles_by_vector(cpu);
    Cycles handlers = 0;
    std::optional<Vector> busiest;
    for (const auto& [vector, cycles] : by_vector) {
      handlers += cycles;
      if (!busiest || cycles > by_vector.at(*busiest)) busiest = vector;
    }
    // The other tasks' own time on this CPU, largest first.
    std::vector<std::pair<Cycles, std::size_t>> others;
    Cycles competing = 0;
    for (std::size_t j = 0; j < tasks.size(); ++j) {
      if (j == i || tasks[j].idle) continue;
      const Cycles own = cpu.own_time.own(static_cast<int>(j), cpu.cycles);
      if (own == 0) continue;
      competing += own;
      others.emplace_back(own, j);
    }
    std::stable_sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string cause = fmt::format("cpu {} spent {:.1f} % in handlers", cpu.cpu.id(), percent(handlers, total));
    std::optional<Vector> vector;
    if (handlers >= competing && busiest) {
      vector = busiest;
      cause += fmt::format(", most in {} (vector {:#x}, {:.1f} %)", vector_name(kGuestArchitecture, *busiest), *busiest,
                           percent(by_vector.at(*busiest), total));
    } else {
      cause += "; the competing tasks took";
      for (std::size_t k = 0; k < others.size() && k < 3; ++k) {
        cause += fmt::format("{} {} ({:.1f} %)", k == 0 ? "" : ",", tasks[others[k].second].name,
                             percent(others[k].first, total));
      }
    }
    out.raise({.kind = "starved",
               .message = fmt::format("task {}: {:.1f} % of the time it was runnable ({} of {} cycles, "
                                      "minimum {:.1f} %); {}",
                                      t.name, t.cpu_share * 100, t.own_cycles, t.demand_cycles,
                                      s.min_cpu_share * 100, cause),
               .vector = vector,
               .at_cycle = cpu.cycles});
  }
}

// A run too short to judge says so instead of judging ticks or progress.
void boot_finished(const FinishedRun& run, Violations& out) {
  if (!boot_unfinished(run) || run.report.end != "duration") return;
  const Cycles now = run.cpus.front()->cycles;
  out.raise({.kind = "boot-unfinished",
             .message = fmt::format("the run ended at cycle {}, before the kernel had armed its tick or run a task on "
                                    "CPU 0: too short to judge ticks or progress; lengthen the run (boot takes under "
                                    "1 M cycles)",
                                    now),
             .at_cycle = now});
}

// No EOI is written while no handler runs (it would retire another's vector).
void eois_inside_handlers(const FinishedRun& run, Violations& out) {
  for (const auto& cpu : run.cpus) {
    if (cpu->eoi_outside_handler == 0) continue;
    out.raise({.kind = "eoi-outside-handler",
               .message = fmt::format("CPU {}: {} EOI(s) written while no handler ran", cpu->cpu.id(),
                                      cpu->eoi_outside_handler)});
  }
}

// Every interrupt raised was delivered, coalesced or is still pending.
void interrupts_accounted(const FinishedRun& run, Violations& out) {
  if (run.report.interrupts.lost == 0) return;
  out.raise({.kind = "lost-interrupt",
             .message = fmt::format("{} interrupts neither delivered, coalesced nor pending",
                                    run.report.interrupts.lost)});
}

// A level-triggered line the driver never acknowledges re-asserts forever.
void level_lines_acknowledged(const FinishedRun& run, Violations& out) {
  const SimCpu& boot = *run.cpus.front();  // faults are injected on the boot CPU
  if (boot.level_reassertions <= 1000) return;
  out.raise({.kind = "interrupt-storm",
             .message = fmt::format("a level-triggered line was re-asserted {} times: the driver never acknowledged "
                                    "the device before its EOI",
                                    boot.level_reassertions),
             .symbol = run.image.describe(boot.level_storm_rip),
             .rip = boot.level_storm_rip});
}

// Every byte a driven device gave its driver is accounted for: queued for
// the bottom half or counted as dropped; the bottom half consumed no more than
// was queued; and once it consumed all of it (no drop), its checksum is the
// device's: no byte lost, duplicated, reordered or changed on the way.
void device_data_intact(const FinishedRun& run, Violations& violations) {
  check_device_data(run.report.devices, run.report.cycles, violations);
  check_nic_data(run.report.nics, run.report.cycles, violations);
}

// Each check and the one violation kind it raises (end_of_run_invariants()).
struct NamedCheck {
  const char* kind;
  Check check;
};

constexpr NamedCheck kChecks[] = {
    {"shootdown-timeout", shootdowns_acknowledged}, {"tick-starved", ticks_delivered},
    {"ipi-lost", ipis_accounted},                   {"budget", budgets_kept},
    {"no-progress", tasks_progressed},              {"starved", cpu_shares_fair},
    {"boot-unfinished", boot_finished},             {"eoi-outside-handler", eois_inside_handlers},
    {"interrupt-storm", level_lines_acknowledged},  {"lost-interrupt", interrupts_accounted},
    {"device-data", device_data_intact},
};

}  // namespace

void check_device_data(const std::vector<DeviceReport>& devices, Cycles end, Violations& violations) {
  for (const DeviceReport& d : devices) {
    std::string problem;
    // A run that ended inside the top half may have read up to its bound of
    // bytes it has not counted yet.
    const std::uint64_t accounted = d.captured + d.ring_full;
    const bool mid_top_half = d.ended_in_top_half && accounted < d.read && d.read - accounted <= uart::kBytesPerInterrupt;
    if (accounted != d.read && !mid_top_half) {
      problem = fmt::format("the driver accounts for {} bytes ({} queued + {} dropped) of the {} it read",
                            d.captured + d.ring_full, d.captured, d.ring_full, d.read);
    } else if (d.consumed > d.captured) {
      problem = fmt::format("the bottom half consumed {} bytes, {} were queued", d.consumed, d.captured);
    } else if (d.ring_full == 0 && d.consumed == d.read && d.checksum != d.read_checksum) {
      problem = fmt::format("the bottom half's checksum {:#018x} is not the device's {:#018x} over the same {} bytes",
                            d.checksum, d.read_checksum, d.read);
    } else if (d.arrived != d.overruns + d.read + d.cleared + d.left_in_device) {
      problem = fmt::format("the device lost track: {} arrived, {} overrun + {} read + {} cleared + {} left",
                            d.arrived, d.overruns, d.read, d.cleared, d.left_in_device);
    } else if (d.reader_read + d.flushed > d.delivered) {
      // Counted before queued, counted after taken: at any instant the
      // reader's side holds what it was given minus what it handed on.
      problem = fmt::format("the device file handed on {} bytes ({} read + {} flushed), its reader was given {}",
                            d.reader_read + d.flushed, d.reader_read, d.flushed, d.delivered);
    } else if (d.transmit_lost != 0) {
      problem = fmt::format("{} bytes written to a full transmit FIFO were lost", d.transmit_lost);
    } else if (d.driver_transmitted > d.transmitted ||
               (d.driver_transmitted == d.transmitted && d.driver_transmit_checksum != d.transmit_checksum)) {
      // The driver counts after its writes: it may trail the device, never lead it.
      problem = fmt::format("the driver wrote {} bytes (checksum {:#018x}), the device took {} ({:#018x})",
                            d.driver_transmitted, d.driver_transmit_checksum, d.transmitted, d.transmit_checksum);
    }
    if (!problem.empty()) {
      violations.raise({.kind = "device-data", .message = fmt::format("{}: {}", d.driver, problem),
                        .at_cycle = end});
    }
  }
}

void check_nic_data(const std::vector<NicReport>& nics, Cycles end, Violations& violations) {
  for (const NicReport& n : nics) {
    std::string problem;
    if (n.arrived != n.dropped + n.delivered) {
      problem = fmt::format("the device lost track: {} packets arrived, {} dropped + {} delivered", n.arrived,
                            n.dropped, n.delivered);
    } else if (n.causes != n.raised + n.moderated + n.pending_causes) {
      problem = fmt::format("the device lost an interrupt cause: {} set, {} raised + {} moderated + {} pending",
                            n.causes, n.raised, n.moderated, n.pending_causes);
    } else if (n.packets > n.delivered) {
      problem = fmt::format("the bottom half processed {} packets, {} were delivered", n.packets, n.delivered);
    } else if (n.bad_descriptors != 0) {
      problem = fmt::format("the bottom half skipped {} descriptors it could not parse", n.bad_descriptors);
    } else if (n.packets == n.delivered && (n.bytes != n.delivered_bytes || n.checksum != n.delivered_checksum)) {
      problem = fmt::format("the bottom half's {} bytes with checksum {:#018x} are not the device's {} bytes with "
                            "checksum {:#018x} over the same {} packets",
                            n.bytes, n.checksum, n.delivered_bytes, n.delivered_checksum, n.packets);
    }
    if (!problem.empty()) {
      violations.raise({.kind = "device-data", .message = fmt::format("{}: {}", n.driver, problem), .at_cycle = end});
    }
  }
}

Cycles two_scheduling_rounds(const Scenario& scenario, const GuestKernelView& kernel) {
  const Cycles period = tick_period(scenario);
  const std::uint32_t slice_ticks = kernel.slice_ticks(0);
  Cycles round = 0;
  for (int i = 0; i < static_cast<int>(kernel.task_count()); ++i) {
    const std::uint32_t priority = std::min(kernel.task(i).priority, kMaxPriority);
    Cycles turn = 0;
    if (__builtin_mul_overflow(Cycles{priority + 1} * slice_ticks, period, &turn)) turn = UINT64_MAX;
    round = add_saturating(round, turn);
  }
  return add_saturating(round, round);
}

void check_finished_run(const FinishedRun& run, Violations& violations) {
  for (const NamedCheck& c : kChecks) c.check(run, violations);
}

std::vector<std::string> end_of_run_invariants() {
  std::vector<std::string> kinds;
  for (const NamedCheck& c : kChecks) kinds.emplace_back(c.kind);
  return kinds;
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
