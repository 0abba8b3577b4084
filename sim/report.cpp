#include "sim/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "core/interrupt/vectors.h"
#include "sim/vector_names.h"

namespace pristine::sim {
namespace {

nlohmann::ordered_json distribution_json(const Distribution& d) {
  nlohmann::ordered_json j;
  j["min"] = d.min;
  j["p50"] = d.p50;
  j["p99"] = d.p99;
  j["max"] = d.max;
  j["mean"] = d.mean;
  j["stddev"] = d.stddev;
  return j;
}

// Addresses are hex strings: a 64-bit kernel address is above 2^53, where a
// JSON number loses precision in jq and JavaScript.
std::string address_json(VirtAddr address) { return fmt::format("{:#x}", address); }

nlohmann::ordered_json cycle_or_null(const std::optional<Cycles>& cycle) {
  return cycle ? nlohmann::ordered_json(*cycle) : nlohmann::ordered_json(nullptr);
}

// Non-empty buckets, ascending: {"from", "to"} (to exclusive; the top
// bucket's 2^64 is written 2^64 - 1), "count".
nlohmann::ordered_json histogram_json(const std::vector<LatencyBucket>& buckets) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const LatencyBucket& b : buckets) j.push_back({{"from", b.from}, {"to", b.to()}, {"count", b.count}});
  return j;
}

// One path's log2 buckets on one line: `from..to: count (share%)` each, the
// share rounded in integers (the same text on every run).
std::string histogram_text(const std::string& name, std::size_t name_width, std::uint64_t total,
                           const std::vector<LatencyBucket>& buckets) {
  std::string text = fmt::format("  {:<{}}", name, name_width);
  for (const LatencyBucket& b : buckets) {
    const auto share = static_cast<unsigned>((static_cast<unsigned __int128>(b.count) * 100 + total / 2) / total);
    text += fmt::format("  {}..{}: {} ({}%)", b.from, b.last, b.count, share);
  }
  return text;
}

}  // namespace

bool Report::pass() const {
  if (!violations.empty()) return false;
  return std::all_of(handlers.begin(), handlers.end(),
                     [](const HandlerReport& h) { return h.within_budget(); });
}

nlohmann::ordered_json to_json(const Report& r) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["cpus"] = r.cpus;
  j["cpu_hz"] = r.cpu_hz;
  j["duration_cycles"] = r.duration;
  j["cycles"] = r.cycles;
  j["idle_cycles"] = r.idle_cycles;
  j["instructions"] = r.instructions;
  j["ticks"] = {{"observed", r.ticks}, {"expected", r.expected_ticks}};
  j["context_switches"] = r.context_switches;
  j["switch_cycles"] = distribution_json(r.switch_cycles);
  j["max_runnable_wait_cycles"] = r.max_wait;
  j["end"] = r.end;
  auto& sources = j["sources"] = nlohmann::ordered_json::array();
  for (const SourceReport& s : r.sources) {
    sources.push_back({{"name", s.name},
                       {"kind", s.kind},
                       {"vector", s.vector},
                       {"cpu", s.cpu},
                       {"driver", s.driver.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.driver)},
                       {"handler", s.handler}});
  }
  auto& handlers = j["handlers"] = nlohmann::ordered_json::array();
  for (const HandlerReport& h : r.handlers) {
    nlohmann::ordered_json e;
    e["name"] = h.name;
    e["vector"] = h.vector ? nlohmann::ordered_json(*h.vector) : nlohmann::ordered_json(nullptr);
    e["count"] = h.count;
    e["cycles"] = distribution_json(h.cycles);
    e["cycles_exclusive"] = distribution_json(h.cycles_exclusive);
    e["instructions"] = distribution_json(h.instructions);
    e["instructions_exclusive"] = distribution_json(h.instructions_exclusive);
    e["kernel_span_instructions"] = distribution_json(h.kernel_span_instructions);
    e["budget"] = h.budget;
    e["within_budget"] = h.within_budget();
    e["cycles_histogram"] = histogram_json(h.cycles_histogram);
    e["instructions_histogram"] = histogram_json(h.instructions_histogram);
    handlers.push_back(std::move(e));
  }
  if (!r.profiles.empty()) {
    auto& profiles = j["profiles"] = nlohmann::ordered_json::array();
    for (const ProfileReport& p : r.profiles) {
      profiles.push_back({{"name", p.name}, {"count", p.count}, {"cycles", distribution_json(p.cycles)},
                          {"instructions", distribution_json(p.instructions)}, {"migrated", p.migrated}});
    }
  }
  auto& tasks = j["tasks"] = nlohmann::ordered_json::array();
  for (const TaskReport& t : r.tasks) {
    nlohmann::ordered_json e;
    e["name"] = t.name;
    e["progress"] = t.progress;
    e["ticks"] = t.ticks;
    e["switches_in"] = t.switches_in;
    e["gave_up"] = t.gave_up;
    e["run_cycles"] = t.run_cycles;
    e["wait_cycles"] = t.wait_cycles;
    e["own_cycles"] = t.own_cycles;
    e["demand_cycles"] = t.demand_cycles;
    e["cpu_share"] = t.cpu_share;
    e["idle"] = t.idle;
    e["max_wait_cycles"] = t.max_wait;
    e["wakeups"] = t.wakeups;
    e["max_wake_latency_cycles"] = t.max_wake_latency;
    e["cpu"] = t.cpu;
    e["migrations"] = t.migrations;
    e["user"] = t.user;
    e["alive"] = t.alive;
    if (!t.alive) e["exit_code"] = t.exit_code;
    if (t.fault) {
      e["fault"] = {{"name", vector_name(r.arch, t.fault->vector)}, {"vector", t.fault->vector},
                    {"rip", address_json(t.fault->rip)}, {"error_code", t.fault->error_code},
                    {"cr2", address_json(t.fault->cr2)}};
    }
    tasks.push_back(std::move(e));
  }
  auto& per_cpu = j["per_cpu"] = nlohmann::ordered_json::array();
  for (const CpuReport& c : r.per_cpu) {
    nlohmann::ordered_json e;
    e["cpu"] = c.id;
    e["cycles"] = c.cycles;
    e["idle_cycles"] = c.idle_cycles;
    e["instructions"] = c.instructions;
    e["ticks"] = {{"observed", c.ticks}, {"expected", c.expected_ticks}};
    e["context_switches"] = c.context_switches;
    e["handler_cycles"] = c.handler_cycles;
    e["first_task_at_cycle"] = c.first_task_at;
    if (c.trace_markers != 0) {
      e["trace_markers"] = {{"count", c.trace_markers}, {"last_value", c.trace_last_value},
                            {"last_task", c.trace_last_task}};
    }
    auto& hs = e["handlers"] = nlohmann::ordered_json::array();
    for (const HandlerReport& h : c.handlers) {
      hs.push_back({{"name", h.name}, {"count", h.count}, {"cycles_exclusive", distribution_json(h.cycles_exclusive)},
                    {"instructions_exclusive", distribution_json(h.instructions_exclusive)}});
    }
    per_cpu.push_back(std::move(e));
  }
  auto& ipis = j["ipis"];
  ipis["sent"] = r.ipis.sent;
  ipis["handled"] = r.ipis.handled;
  ipis["coalesced"] = r.ipis.coalesced;
  ipis["in_flight"] = r.ipis.in_flight;
  ipis["latency_cycles"] = distribution_json(r.ipis.latency);
  auto& by_vector = ipis["vectors"] = nlohmann::ordered_json::array();
  for (const IpiReport::PerVector& v : r.ipis.vectors) {
    by_vector.push_back({{"name", v.name}, {"sent", v.sent}, {"latency_cycles", distribution_json(v.latency)}});
  }
  ipis["tlb_shootdowns"] = r.ipis.shootdowns;
  ipis["tlb_flushes"] = r.ipis.flushes;
  j["interrupts"] = {{"injected", r.interrupts.injected}, {"delivered", r.interrupts.delivered},
                     {"coalesced", r.interrupts.coalesced}, {"pending", r.interrupts.pending},
                     {"lost", r.interrupts.lost}};
  if (!r.devices.empty()) {
    auto& devices = j["devices"] = nlohmann::ordered_json::array();
    for (const DeviceReport& d : r.devices) {
      devices.push_back({{"driver", d.driver},
                         {"device", {{"arrived", d.arrived}, {"overruns", d.overruns}, {"read", d.read},
                                     {"cleared", d.cleared}, {"left_in_device", d.left_in_device}, {"read_checksum", fmt::format("{:#018x}", d.read_checksum)}}},
                         {"driver_counts", {{"interrupts", d.interrupts}, {"captured", d.captured},
                                            {"ring_full", d.ring_full}, {"overrun_reports", d.overrun_reports},
                                            {"consumed", d.consumed}, {"checksum", fmt::format("{:#018x}", d.checksum)},
                                            {"bottom_half_runs", d.bottom_half_runs}}}});
      if (d.device_io()) {
        devices.back()["device_io"] = {
            {"transmitted", d.transmitted}, {"transmit_lost", d.transmit_lost},
            {"transmit_checksum", fmt::format("{:#018x}", d.transmit_checksum)}, {"delivered", d.delivered},
            {"reader_overflow", d.reader_overflow}, {"read", d.reader_read}, {"flushed", d.flushed},
            {"driver_transmitted", d.driver_transmitted},
            {"driver_transmit_checksum", fmt::format("{:#018x}", d.driver_transmit_checksum)},
            {"transmit_busy", d.transmit_busy}};
      }
    }
  }
  if (!r.nics.empty()) {
    auto& devices = j["devices"];
    if (devices.is_null()) devices = nlohmann::ordered_json::array();
    for (const NicReport& n : r.nics) {
      devices.push_back({{"driver", n.driver},
                         {"device", {{"arrived", n.arrived}, {"dropped", n.dropped}, {"ring_full", n.ring_full},
                                     {"delivered", n.delivered}, {"delivered_bytes", n.delivered_bytes},
                                     {"delivered_checksum", fmt::format("{:#018x}", n.delivered_checksum)},
                                     {"interrupt_causes", n.causes}, {"interrupts_raised", n.raised},
                                     {"moderated", n.moderated}, {"pending_causes", n.pending_causes}}},
                         {"driver_counts", {{"interrupts", n.interrupts}, {"overrun_reports", n.overrun_reports},
                                            {"packets", n.packets}, {"bytes", n.bytes},
                                            {"checksum", fmt::format("{:#018x}", n.checksum)},
                                            {"bad_descriptors", n.bad_descriptors},
                                            {"bottom_half_runs", n.bottom_half_runs}}}});
    }
  }
  auto& violations = j["violations"] = nlohmann::ordered_json::array();
  for (const Violation& v : r.violations) {
    nlohmann::ordered_json e;
    e["kind"] = v.kind;
    e["message"] = v.message;
    e["symbol"] = v.symbol;
    e["rip"] = address_json(v.rip);
    e["vector"] = v.vector ? nlohmann::ordered_json(*v.vector) : nlohmann::ordered_json(nullptr);
    e["at_cycle"] = cycle_or_null(v.at_cycle);
    e["cost_cycles"] = cycle_or_null(v.cost_cycles);
    e["file"] = v.file;
    e["line"] = v.line;
    if (!v.path.empty()) e["path"] = v.path;
    if (!v.call_chain.empty()) e["call_chain"] = v.call_chain;
    if (v.count != 0) e["count"] = v.count;
    violations.push_back(std::move(e));
  }
  auto& faults = j["faults"] = nlohmann::ordered_json::array();
  for (const InjectedFault& f : r.faults) {
    faults.push_back({{"kind", f.kind}, {"at_cycle", cycle_or_null(f.at_cycle)}, {"rip", address_json(f.rip)}, {"symbol", f.symbol},
                      {"context", f.context}, {"outcome", f.outcome}});
  }
  j["console"] = r.console;
  j["verdict"] = r.pass() ? "pass" : "fail";
  return j;
}

namespace {

// Per kind, in the order kinds first appear: how many, the first time, and
// each distinct outcome with its count.
std::vector<std::string> fault_summary(const std::vector<InjectedFault>& faults) {
  struct Kind {
    std::string name;
    std::size_t count = 0;
    std::optional<Cycles> first;  // the first injection's time, if it has one
    std::vector<std::pair<std::string, std::size_t>> outcomes;
  };
  std::vector<Kind> kinds;
  for (const InjectedFault& f : faults) {
    auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const Kind& k) { return k.name == f.kind; });
    if (kind == kinds.end()) kind = kinds.insert(kinds.end(), Kind{.name = f.kind, .first = f.at_cycle});
    ++kind->count;
    auto outcome = std::find_if(kind->outcomes.begin(), kind->outcomes.end(),
                                [&](const auto& o) { return o.first == f.outcome; });
    if (outcome == kind->outcomes.end()) {
      kind->outcomes.emplace_back(f.outcome, 1);
    } else {
      ++outcome->second;
    }
  }
  std::size_t width = 4;
  for (const Kind& k : kinds) width = std::max(width, k.name.size());
  std::vector<std::string> lines{fmt::format("  {:<{}} {:>6} {:>12}  outcomes", "kind", width, "count", "first cycle")};
  constexpr std::size_t kOutcomesShown = 3;
  for (const Kind& k : kinds) {
    std::string outcomes;
    for (std::size_t i = 0; i < k.outcomes.size() && i < kOutcomesShown; ++i) {
      outcomes += fmt::format("{}{} ({})", i == 0 ? "" : "; ", k.outcomes[i].first, k.outcomes[i].second);
    }
    if (k.outcomes.size() > kOutcomesShown) {
      outcomes += fmt::format("; {} other outcome(s)", k.outcomes.size() - kOutcomesShown);
    }
    lines.push_back(fmt::format("  {:<{}} {:>6} {:>12}  {}", k.name, width, k.count,
                                k.first ? fmt::to_string(*k.first) : "-", outcomes));
  }
  return lines;
}

}  // namespace

std::string render_text(const Report& r, const TextOptions& options) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s; out += '\n'; };
  line(fmt::format("scenario {}  seed {}  cpus {}  {:.3f} ms modeled at {} MHz", r.scenario, r.seed,
                   r.cpus, static_cast<double>(r.cycles) * 1e3 / static_cast<double>(r.cpu_hz),
                   r.cpu_hz / 1'000'000));
  line(fmt::format("{} cycles ({} idle), {} instructions, {} context switches, ticks {}/{} expected, ended by {}",
                   r.cycles, r.idle_cycles, r.instructions, r.context_switches, r.ticks,
                   r.expected_ticks, r.end));
  line("");
  // The name and count columns as wide as their content (the figures' are
  // fixed: a hot path's cycles have at most 7 digits).
  std::size_t name_width = std::string_view("handler").size(), count_width = std::string_view("count").size();
  for (const HandlerReport& h : r.handlers) {
    name_width = std::max(name_width, h.name.size());
    count_width = std::max(count_width, fmt::formatted_size("{}", h.count));
  }
  for (const ProfileReport& p : r.profiles) {
    name_width = std::max(name_width, p.name.size());
    count_width = std::max(count_width, fmt::formatted_size("{}", p.count));
  }
  const auto row = [&](const std::string& name, const std::string& vector, std::uint64_t count, const Distribution& c,
                       const Distribution& i, const std::string& budget, const std::string& verdict) {
    return fmt::format("{:<{}} {:>4} {:>{}} | {:>7} {:>6} {:>6} {:>6} {:>8.1f} {:>7.1f} | {:>7} {:>5} {:>5} {:>5} | {:>6} {}",
                       name, name_width, vector, count, count_width, c.min, c.p50, c.p99, c.max, c.mean, c.stddev,
                       i.min, i.p50, i.p99, i.max, budget, verdict);
  };
  line(fmt::format("{:<{}} {:>4} {:>{}} | {:>7} {:>6} {:>6} {:>6} {:>8} {:>7} | {:>7} {:>5} {:>5} {:>5} | {:>6} {}",
                   "handler", name_width, "vec", "count", count_width, "cyc min", "p50", "p99", "max", "mean", "stddev",
                   "ins min", "p50", "p99", "max", "budget", "verdict"));
  for (const HandlerReport& h : r.handlers) {
    line(row(h.name, h.vector ? fmt::format("{:#x}", *h.vector) : "-", h.count, h.cycles, h.instructions,
             fmt::to_string(h.budget), h.within_budget() ? "ok" : "OVER BUDGET"));
  }
  for (const ProfileReport& p : r.profiles) {
    line(row(p.name, "-", p.count, p.cycles, p.instructions, "-",
             p.migrated != 0 ? fmt::format("region ({} moved CPU)", p.migrated) : "region"));
  }
  if (!r.sources.empty()) {
    // The scenario's names for what raised the device paths above.
    std::string names;
    for (const SourceReport& s : r.sources) {
      names += fmt::format("{}{} ({} {:#x}{} -> {})", names.empty() ? "" : ", ", s.name, s.kind, s.vector,
                           s.driver.empty() ? "" : ", " + s.driver, s.handler);
    }
    line("sources: " + names);
  }
  if (std::any_of(r.handlers.begin(), r.handlers.end(), [](const HandlerReport& h) { return h.count != 0; })) {
    line("");
    line("cycles per path, log2 buckets (from..to inclusive: runs, share):");
    for (const HandlerReport& h : r.handlers) {
      if (h.count != 0) line(histogram_text(h.name, name_width, h.count, h.cycles_log2));
    }
  }
  line("");
  line(fmt::format("context switches {}: cycles min {} p50 {} p99 {} max {}; longest runnable wait {} cycles",
                   r.context_switches, r.switch_cycles.min, r.switch_cycles.p50, r.switch_cycles.p99,
                   r.switch_cycles.max, r.max_wait));
  std::size_t task_width = std::string_view("task").size();
  for (const TaskReport& t : r.tasks) task_width = std::max(task_width, t.name.size());
  line(fmt::format("{:<{}} {:>14} {:>8} {:>9} {:>12} {:>6} {:>10} {:>7} {:>9} {}", "task", task_width, "progress",
                   "ticks", "switches", "run cycles", "share", "max wait", "wakeups", "wake lat", "state"));
  for (const TaskReport& t : r.tasks) {
    line(fmt::format("{:<{}} {:>14} {:>8} {:>9} {:>12} {:>6} {:>10} {:>7} {:>9} {}", t.name, task_width, t.progress, t.ticks,
                     t.switches_in, t.run_cycles,
                     t.idle || t.demand_cycles == 0 ? "-" : fmt::format("{:.1f}%", t.cpu_share * 100),
                     t.max_wait, t.wakeups, t.max_wake_latency,
                     t.fault ? fmt::format("killed by {} at {:#x} error {:#x}{}", vector_name(r.arch, t.fault->vector),
                                           t.fault->rip, t.fault->error_code,
                                           architecture_vectors(r.arch).has_fault_address[t.fault->vector]
                                               ? fmt::format(" {} {:#x}", architecture_vectors(r.arch).fault_address_register, t.fault->cr2)
                                               : "")
                     : !t.alive ? fmt::format("exited ({})", t.exit_code)
                                : (t.user ? "ring 3" : "kernel")));
  }
  if (r.per_cpu.size() > 1) {
    line("");
    for (const CpuReport& c : r.per_cpu) {
      line(fmt::format("cpu {}: {} cycles ({} idle, {} in handlers), {} instructions, ticks {}/{} expected, "
                       "{} switches",
                       c.id, c.cycles, c.idle_cycles, c.handler_cycles, c.instructions, c.ticks, c.expected_ticks,
                       c.context_switches));
      for (const HandlerReport& h : c.handlers) {
        line(fmt::format("  {:<{}} {:>{}}  cycles p50 {:>5} max {:>5}", h.name, name_width, h.count, count_width,
                         h.cycles_exclusive.p50, h.cycles_exclusive.max));
      }
    }
  }
  for (const CpuReport& c : r.per_cpu) {
    if (c.trace_markers == 0) continue;
    line(fmt::format("trace markers on cpu {}: {}, last value {:#x} from {}", c.id, c.trace_markers,
                     c.trace_last_value, c.trace_last_task));
  }
  if (r.ipis.sent != 0) {
    line("");
    line(fmt::format("IPIs: sent {}  handled {}  coalesced {}  in flight {}; send-to-handle cycles min {} p50 {} p99 {} max {}",
                     r.ipis.sent, r.ipis.handled, r.ipis.coalesced, r.ipis.in_flight, r.ipis.latency.min,
                     r.ipis.latency.p50, r.ipis.latency.p99, r.ipis.latency.max));
    for (const IpiReport::PerVector& v : r.ipis.vectors) {
      line(fmt::format("  {:<20} sent {:>7}  latency min {} p50 {} p99 {} max {}", v.name, v.sent, v.latency.min,
                       v.latency.p50, v.latency.p99, v.latency.max));
    }
    line(fmt::format("  TLB: {} pages unmapped with other CPUs running, {} stale translations flushed",
                     r.ipis.shootdowns, r.ipis.flushes));
  }
  for (const DeviceReport& d : r.devices) {
    line(fmt::format("device {}: {} bytes arrived, {} overrun in the device, {} read by the driver, {} cleared by "
                     "it, {} left in it",
                     d.driver, d.arrived, d.overruns, d.read, d.cleared, d.left_in_device));
    line(fmt::format("  driver: {} interrupts, {} bytes queued, {} dropped (ring full), {} consumed in {} "
                     "bottom-half runs, checksum {:#018x} (device {:#018x})",
                     d.interrupts, d.captured, d.ring_full, d.consumed, d.bottom_half_runs, d.checksum,
                     d.read_checksum));
    if (d.device_io()) {
      line(fmt::format("  device file: {} bytes queued for its reader ({} dropped: buffer full), {} read, {} flushed; "
                       "{} bytes written ({} times busy), checksum {:#018x} (device took {}, {:#018x}; {} lost)",
                       d.delivered, d.reader_overflow, d.reader_read, d.flushed, d.driver_transmitted,
                       d.transmit_busy, d.driver_transmit_checksum, d.transmitted, d.transmit_checksum,
                       d.transmit_lost));
    }
  }
  for (const NicReport& n : r.nics) {
    line(fmt::format("device {}: {} packets arrived, {} dropped in the device ({} ring full), {} delivered ({} "
                     "bytes); {} interrupts raised for {} causes, {} moderated",
                     n.driver, n.arrived, n.dropped, n.ring_full, n.delivered, n.delivered_bytes, n.raised, n.causes,
                     n.moderated));
    line(fmt::format("  driver: {} interrupts ({} reporting misses), {} packets ({} bytes) in {} bottom-half runs, "
                     "{} bad descriptors, checksum {:#018x} (device {:#018x})",
                     n.interrupts, n.overrun_reports, n.packets, n.bytes, n.bottom_half_runs, n.bad_descriptors,
                     n.checksum, n.delivered_checksum));
  }
  line("");
  line(fmt::format("interrupts: injected {}  delivered {}  coalesced {}  pending {}  lost {}",
                   r.interrupts.injected, r.interrupts.delivered, r.interrupts.coalesced,
                   r.interrupts.pending, r.interrupts.lost));
  if (!r.faults.empty()) {
    line("");
    if (options.verbose || r.faults.size() <= kFaultsListedInFull) {
      line(fmt::format("injected faults: {}", r.faults.size()));
      std::size_t kind_width = 4, context_width = 7;
      for (const InjectedFault& f : r.faults) {
        kind_width = std::max(kind_width, f.kind.size());
        context_width = std::max(context_width, f.context.size());
      }
      for (const InjectedFault& f : r.faults) {
        line(fmt::format("  {:>10}  {:<{}} {:<{}} {} -> {}", f.at_cycle ? fmt::to_string(*f.at_cycle) : "-", f.kind, kind_width, f.context, context_width,
                         f.symbol, f.outcome));
      }
    } else {
      line(fmt::format("injected faults: {}, by kind (--verbose lists each)", r.faults.size()));
      for (const std::string& summary : fault_summary(r.faults)) line(summary);
    }
  }
  for (const Violation& v : r.violations) {
    line(fmt::format("VIOLATION {}: {}{}", v.kind, v.message,
                     v.symbol.empty() ? "" : fmt::format(" at {}", v.symbol)));
    for (const std::string& frame : v.call_chain) line(fmt::format("    {}", frame));
  }
  line(fmt::format("verdict: {}", r.pass() ? "PASS" : "FAIL"));
  return out;
}

}  // namespace pristine::sim
