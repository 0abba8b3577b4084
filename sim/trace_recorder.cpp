#include "sim/trace_recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "sim/vector_names.h"

namespace pristine::sim {
namespace {

constexpr std::size_t kFlushAt = std::size_t{1} << 16;
// Not 0: Perfetto's JSON importer reads a tid of 0 as "the pid", and pid 0 is
// the idle process of kernel traces. Track tids are 100 + N and 200 + N.
constexpr int kPid = 1;

// A JSON string literal, quotes included. Task names come from guest memory:
// bytes that are not UTF-8 become U+FFFD rather than an invalid file.
std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* span_category(PathId path) {
  if (is_syscall_path(path)) return "syscall";
  return path < vectors::kExceptionCount ? "exception" : "interrupt";
}

}  // namespace

int TraceRecorder::ts_decimals(std::uint64_t cpu_hz) {
  unsigned __int128 scale = 1'000'000;
  for (int d = 0; d <= 6; ++d, scale *= 10) {
    if (scale % cpu_hz == 0) return d;
  }
  return 6;
}

// cycles * 10^(6+d) / cpu_hz in 128 bits (no overflow for any 64-bit cycle
// count), printed as whole microseconds and d decimals.
void TraceRecorder::append_ts(std::string& out, Cycles cycles, std::uint64_t cpu_hz, int decimals) {
  unsigned __int128 scale = 1'000'000;
  std::uint64_t unit = 1;
  for (int d = 0; d < decimals; ++d, unit *= 10) scale *= 10;
  const unsigned __int128 value = static_cast<unsigned __int128>(cycles) * scale / cpu_hz;
  const auto whole = static_cast<std::uint64_t>(value / unit);
  const auto fraction = static_cast<std::uint64_t>(value % unit);
  auto o = std::back_inserter(out);
  if (decimals == 0) {
    fmt::format_to(o, "{}", whole);
  } else {
    fmt::format_to(o, "{}.{:0{}}", whole, fraction, decimals);
  }
}

std::string TraceRecorder::format_ts(Cycles cycles, std::uint64_t cpu_hz) {
  std::string out;
  append_ts(out, cycles, cpu_hz, ts_decimals(cpu_hz));
  return out;
}

TraceRecorder::TraceRecorder(std::ostream& out, const Scenario& scenario)
    : out_(out), arch_(scenario.arch), cpu_hz_(scenario.cpu_hz), ts_decimals_(ts_decimals(scenario.cpu_hz)), cpus_(scenario.cpus) {
  auto o = std::back_inserter(buffer_);
  // The seed as a string: JSON readers keep 53 bits of a number.
  fmt::format_to(o,
                 "{{\"otherData\":{{\"scenario\":{},\"seed\":\"{}\",\"cpu_hz\":{},"
                 "\"ts\":\"modeled microseconds: cycles * 1e6 / cpu_hz\"}},\n\"traceEvents\":[\n",
                 json_string(scenario.name), scenario.seed, scenario.cpu_hz);
  fmt::format_to(o, "{{\"ph\":\"M\",\"pid\":{},\"name\":\"process_name\",\"args\":{{\"name\":{}}}}}", kPid,
                 json_string("pristine " + scenario.name));
  first_event_ = false;
  for (CpuId cpu = 0; cpu < scenario.cpus; ++cpu) {
    const int tids[] = {kCpuTrackBase + static_cast<int>(cpu), kTaskTrackBase + static_cast<int>(cpu)};
    const std::string names[] = {fmt::format("cpu {}", cpu), fmt::format("cpu {} tasks", cpu)};
    for (int i = 0; i < 2; ++i) {
      fmt::format_to(o,
                     ",\n{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"thread_name\",\"args\":{{\"name\":\"{}\"}}}}"
                     ",\n{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"thread_sort_index\","
                     "\"args\":{{\"sort_index\":{}}}}}",
                     kPid, tids[i], names[i], kPid, tids[i], 2 * cpu + i);
    }
  }
  flush_if_full();
}

// ---- writing ----------------------------------------------------------------------

// `{"ph":"X","pid":1,"tid":T,"ts":…` : the fields every timed event has; the
// caller adds the rest and end_event() closes it.
void TraceRecorder::begin_event(char phase, int tid, Cycles now) {
  auto o = std::back_inserter(buffer_);
  if (!first_event_) buffer_ += ",\n";
  first_event_ = false;
  fmt::format_to(o, "{{\"ph\":\"{}\",\"pid\":{}", phase, kPid);
  if (tid >= 0) fmt::format_to(o, ",\"tid\":{}", tid);
  buffer_ += ",\"ts\":";
  append_ts(buffer_, now, cpu_hz_, ts_decimals_);
}

void TraceRecorder::end_event() {
  buffer_ += '}';
  flush_if_full();
}

void TraceRecorder::flush_if_full() {
  if (buffer_.size() < kFlushAt) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

const std::string& TraceRecorder::span_name(PathId path) {
  std::string& name = span_names_[path];
  if (name.empty()) name = json_string(path_name(arch_, path, false));
  return name;
}

// ---- spans and tasks --------------------------------------------------------------

void TraceRecorder::span_begin(CpuId cpu, Cycles now, PathId path) {
  cpus_[cpu].open_spans.push_back(path);
  begin_event('B', kCpuTrackBase + static_cast<int>(cpu), now);
  fmt::format_to(std::back_inserter(buffer_), ",\"cat\":\"{}\",\"name\":{}", span_category(path), span_name(path));
  end_event();
}

// The report's "+switch" path is the same span with switched=true (an end
// event cannot rename the span its begin named).
void TraceRecorder::span_end(CpuId cpu, Cycles now, bool switched) {
  std::vector<PathId>& open = cpus_[cpu].open_spans;
  if (open.empty()) return;
  const PathId path = open.back();
  open.pop_back();
  begin_event('E', kCpuTrackBase + static_cast<int>(cpu), now);
  fmt::format_to(std::back_inserter(buffer_), ",\"name\":{}", span_name(path));
  if (switched) buffer_ += ",\"args\":{\"switched\":true}";
  end_event();
}

void TraceRecorder::task_running(CpuId cpu, Cycles now, int task, std::string_view name) {
  CpuState& state = cpus_[cpu];
  if (state.task == task) return;
  const int tid = kTaskTrackBase + static_cast<int>(cpu);
  if (state.task >= 0) {
    begin_event('E', tid, now);
    fmt::format_to(std::back_inserter(buffer_), ",\"name\":{}", state.task_name);
    end_event();
  }
  state.task = task;
  if (task < 0) return;
  state.task_name = json_string(name);
  begin_event('B', tid, now);
  fmt::format_to(std::back_inserter(buffer_), ",\"cat\":\"task\",\"name\":{},\"args\":{{\"task\":{}}}", state.task_name,
                 task);
  end_event();
}

// ---- IPIs ---------------------------------------------------------------------------

// The flow starts in the span that sent it; a send from outside any span
// (a kernel thread) starts on the task track, where a slice is open.
std::uint64_t TraceRecorder::ipi_sent(CpuId from, Cycles now, CpuId to, Vector vector) {
  const std::uint64_t flow = next_flow_++;
  const CpuState& state = cpus_[from];
  const int tid = static_cast<int>(from) + (state.open_spans.empty() && state.task >= 0 ? kTaskTrackBase : kCpuTrackBase);
  begin_event('s', tid, now);
  fmt::format_to(std::back_inserter(buffer_), ",\"cat\":\"ipi\",\"name\":{},\"id\":{},\"args\":{{\"to\":{}}}",
                 json_string(vector_name(arch_, vector)), flow, to);
  end_event();
  return flow;
}

void TraceRecorder::ipi_raised(CpuId cpu, Vector vector, std::uint64_t flow) {
  if (flow != 0) raised_flows_[{cpu, vector}].push_back(flow);
}

// Called once the handler's span is open: "bp":"e" binds each flow's end to it.
void TraceRecorder::ipi_taken(CpuId cpu, Cycles now, Vector vector) {
  const auto it = raised_flows_.find({cpu, vector});
  if (it == raised_flows_.end()) return;
  const std::string name = json_string(vector_name(arch_, vector));
  for (const std::uint64_t flow : it->second) {
    begin_event('f', kCpuTrackBase + static_cast<int>(cpu), now);
    fmt::format_to(std::back_inserter(buffer_), ",\"cat\":\"ipi\",\"name\":{},\"id\":{},\"bp\":\"e\"", name, flow);
    end_event();
  }
  raised_flows_.erase(it);
}

// ---- instants -----------------------------------------------------------------------

void TraceRecorder::instant(CpuId cpu, Cycles now, std::string_view name, std::string_view category) {
  begin_event('i', kCpuTrackBase + static_cast<int>(cpu), now);
  fmt::format_to(std::back_inserter(buffer_), ",\"s\":\"t\",\"cat\":\"{}\",\"name\":{}", category, json_string(name));
}

void TraceRecorder::where_args(Where where) {
  fmt::format_to(std::back_inserter(buffer_), "\"rip\":\"{:#x}\"", where.rip);
  if (!where.symbol.empty()) fmt::format_to(std::back_inserter(buffer_), ",\"symbol\":{}", json_string(where.symbol));
}

void TraceRecorder::source_arrived(CpuId cpu, Cycles now, std::string_view source, Vector vector, Where where) {
  instant(cpu, now, source, "source");
  fmt::format_to(std::back_inserter(buffer_), ",\"args\":{{\"vector\":{},", vector);
  where_args(where);
  buffer_ += '}';
  end_event();
}

void TraceRecorder::fault_injected(CpuId cpu, Cycles now, std::string_view kind, std::optional<Vector> vector,
                                   Where where) {
  instant(cpu, now, kind, "fault");
  buffer_ += ",\"args\":{";
  if (vector) fmt::format_to(std::back_inserter(buffer_), "\"vector\":{},", *vector);
  where_args(where);
  buffer_ += '}';
  end_event();
}

// Violations name no CPU: a process-wide instant.
void TraceRecorder::violation(const Violation& v) {
  begin_event('i', -1, ended_ ? end_ : v.at_cycle.value_or(0));
  auto o = std::back_inserter(buffer_);
  fmt::format_to(o, ",\"s\":\"p\",\"cat\":\"violation\",\"name\":{},\"args\":{{\"message\":{}", json_string(v.kind),
                 json_string(v.message));
  if (v.vector) fmt::format_to(o, ",\"vector\":{}", *v.vector);
  if (v.rip != 0 || !v.symbol.empty()) {
    buffer_ += ',';
    where_args({v.rip, v.symbol});
  }
  if (ended_ && v.at_cycle) fmt::format_to(o, ",\"at_cycle\":{}", *v.at_cycle);
  if (v.cost_cycles) fmt::format_to(o, ",\"cost_cycles\":{}", *v.cost_cycles);
  buffer_ += '}';
  end_event();
}

// ---- the end --------------------------------------------------------------------------

void TraceRecorder::run_ended(const std::vector<Cycles>& clocks) {
  for (CpuId cpu = 0; cpu < cpus_.size() && cpu < clocks.size(); ++cpu) {
    while (!cpus_[cpu].open_spans.empty()) span_end(cpu, clocks[cpu], false);
    task_running(cpu, clocks[cpu], -1, "");
    end_ = std::max(end_, clocks[cpu]);
  }
  ended_ = true;
}

void TraceRecorder::finish() {
  buffer_ += "\n]}\n";
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
}

}  // namespace pristine::sim
