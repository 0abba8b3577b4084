#include "sim/scenario.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <toml++/toml.h>

#include "core/interrupt/vectors.h"
#include "sim/path_id.h"
#include "sim/vector_names.h"
#include "sim/toml_input.h"

namespace pristine::sim {
namespace {

constexpr Cycles kMinTickPeriod = 2000;
constexpr Cycles kMinSourcePeriod = 100;
constexpr std::size_t kMaxTasks = 16;
constexpr std::size_t kMaxSources = 64;
constexpr std::size_t kMaxFaults = 64;
// Every time quantity (a run, a start, a period, a late timer) is at most this
// much modeled time: cycle sums stay far below 2^63 at any clock (10 s at
// 10 GHz is 10^11 cycles), and no file asks for a run of modeled hours.
constexpr std::uint64_t kMaxSeconds = 10;
// All [[fault]] entries together inject at most once per this many cycles on
// average: an NMI takes a few hundred cycles to handle, and injections faster
// than this leave the kernel too little time between them to make progress.
constexpr Cycles kMinFaultMean = 10'000;

// A time quantity as written: its value in cycles, and the key and node it
// came from, so range checks after the conversion can point at them.
struct Quantity {
  Cycles cycles = 0;
  std::string key;
  const toml::node* node = nullptr;
};

// Reads one TOML document into a Scenario. Every error names the file, the
// line and the dotted key (with array indexes) it is about.
class Parser {
 public:
  Parser(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  Scenario parse() {
    Scenario s;
    s.file = file_;
    for (const auto& [key, node] : root_) {
      static constexpr std::string_view kTables[] = {"scenario", "kernel", "task", "source", "budgets", "fault",
                                                     "checks"};
      if (std::find(std::begin(kTables), std::end(kTables), key.str()) == std::end(kTables)) {
        fail(root_, std::string(key.str()),
             "unknown table (allowed: [scenario], [kernel], [[task]], [[source]], [budgets], [[fault]], [checks])",
             &node);
      }
    }
    const toml::table& scenario = required_table(root_, "scenario");
    check_keys(scenario, "scenario.", {"name", "description", "arch", "seed", "cpu_mhz", "cpus", "duration_ms",
                                       "duration_us", "duration_cycles", "quantum_cycles"});
    s.name = string(scenario, "scenario.", "name", true).value_or("");
    if (s.name.empty()) fail(scenario, "scenario.name", "must not be empty", scenario.get("name"));
    s.description = string(scenario, "scenario.", "description", false).value_or("");
    if (const std::optional<std::string> arch = string(scenario, "scenario.", "arch", false)) {
      const toml::node* node = scenario.get("arch");
      if (*arch == architecture_name(GuestArchitecture::Aarch64)) {
        s.arch = GuestArchitecture::Aarch64;
      } else if (*arch != architecture_name(GuestArchitecture::X86_64)) {
        fail(scenario, "scenario.arch", "is no architecture of this kernel (allowed: x86_64, aarch64)", node);
      }
      s.arch_line = static_cast<std::uint32_t>(node->source().begin.line);
    }
    s.seed = integer(scenario, "scenario.", "seed", 0, INT64_MAX).value_or(1);
    cpu_mhz_ = integer(scenario, "scenario.", "cpu_mhz", 1, 10000).value_or(2000);
    s.cpu_hz = cpu_mhz_ * 1'000'000;
    s.cpus = static_cast<std::uint32_t>(integer(scenario, "scenario.", "cpus", 1, 8).value_or(1));
    s.quantum = static_cast<Cycles>(integer(scenario, "scenario.", "quantum_cycles", 100, 1'000'000).value_or(1000));
    max_cycles_ = kMaxSeconds * s.cpu_hz;
    s.duration = time(scenario, "scenario.", "duration", {"_ms", "_us", "_cycles"}, true, false)->cycles;
    duration_ = s.duration;

    const toml::table* kernel = optional_table(root_, "kernel");
    if (kernel) {
      check_keys(*kernel, "kernel.", {"tick_hz", "max_wait_ticks"});
      s.tick_hz = static_cast<std::uint32_t>(integer(*kernel, "kernel.", "tick_hz", 1, 1'000'000).value_or(1000));
      s.max_wait_ticks = static_cast<std::uint32_t>(
          integer(*kernel, "kernel.", "max_wait_ticks", 1, 1'000'000).value_or(s.max_wait_ticks));
    }
    // The tick period bound holds for the default tick rate too: at a slow
    // clock the default 1000 Hz is itself too fast.
    if (s.cpu_hz / s.tick_hz < kMinTickPeriod) {
      const std::string period = fmt::format("{} Hz gives a tick every {} cycles; the tick period must be at least {} cycles",
                                             s.tick_hz, s.cpu_hz / s.tick_hz, kMinTickPeriod);
      if (kernel && kernel->get("tick_hz")) fail(*kernel, "kernel.tick_hz", period, kernel->get("tick_hz"));
      fail(scenario, "scenario.cpu_mhz",
           fmt::format("at {} MHz the default tick of {}: lower [kernel] tick_hz or raise cpu_mhz", cpu_mhz_, period),
           scenario.get("cpu_mhz"));
    }

    parse_tasks(s);
    parse_sources(s);
    parse_budgets(s);
    parse_faults(s);
    parse_checks(s);
    return s;
  }

 private:
  [[noreturn]] void fail(const toml::node& where, const std::string& key, const std::string& message,
                         const toml::node* at = nullptr) const {
    const toml::node& node = at ? *at : where;
    throw ScenarioError(file_, static_cast<std::uint32_t>(node.source().begin.line), key, message);
  }

  void check_keys(const toml::table& t, const std::string& prefix, std::initializer_list<const char*> allowed) const {
    for (const auto& [key, node] : t) {
      bool known = false;
      for (const char* a : allowed) known |= key.str() == a;
      if (!known) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(t, prefix + std::string(key.str()), fmt::format("unknown key (allowed here: {})", list), &node);
      }
    }
  }

  const toml::table& required_table(const toml::table& parent, const char* key) const {
    const toml::table* t = optional_table(parent, key);
    if (!t) throw ScenarioError(file_, 1, key, fmt::format("missing required table [{}]", key));
    return *t;
  }

  const toml::table* optional_table(const toml::table& parent, const char* key) const {
    const toml::node* node = parent.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) fail(parent, key, fmt::format("must be a table: write [{}]", key), node);
    return node->as_table();
  }

  std::optional<std::string> string(const toml::table& t, const std::string& prefix, const char* key,
                                    bool required) const {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) fail(t, prefix + key, "missing required key");
      return std::nullopt;
    }
    if (!node->is_string()) fail(t, prefix + key, fmt::format("must be a string, not {}", type_name(*node)), node);
    return node->as_string()->get();
  }

  std::optional<std::uint64_t> integer(const toml::table& t, const std::string& prefix, const char* key,
                                       std::int64_t min, std::int64_t max, bool required = false) const {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) fail(t, prefix + key, "missing required key");
      return std::nullopt;
    }
    if (!node->is_integer()) fail(t, prefix + key, fmt::format("must be an integer, not {}", type_name(*node)), node);
    const std::int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
      fail(t, prefix + key, fmt::format("{} is out of range: must be between {} and {}", v, min, max), node);
    }
    return static_cast<std::uint64_t>(v);
  }

  // A duration given in one of several units (`stem` + suffix): exactly one
  // may be present. `rate_key` (a frequency in Hz) is converted to a period.
  std::optional<Quantity> time(const toml::table& t, const std::string& prefix, const std::string& stem,
                               std::initializer_list<const char*> suffixes, bool required, bool allow_zero,
                               const char* rate_key = nullptr) const {
    return time(t, prefix, stem, std::span<const char* const>(suffixes.begin(), suffixes.size()), required,
                allow_zero, rate_key);
  }

  std::optional<Quantity> time(const toml::table& t, const std::string& prefix, const std::string& stem,
                               std::span<const char* const> suffixes, bool required, bool allow_zero,
                               const char* rate_key = nullptr) const {
    std::optional<Quantity> result;
    auto take = [&](const std::string& key, Cycles value, const toml::node* node) {
      if (result) {
        fail(t, prefix + key, fmt::format("give only one of {} and {}", prefix + result->key, prefix + key), node);
      }
      if (value == 0 && !allow_zero) fail(t, prefix + key, "converts to 0 cycles: must be at least 1 cycle", node);
      result = Quantity{value, key, node};
    };
    for (const char* suffix : suffixes) {
      const std::string key = stem + suffix;
      const toml::node* node = t.get(key);
      if (!node) continue;
      const std::uint64_t v = *integer(t, prefix, key.c_str(), 0, INT64_MAX);
      const std::string_view unit = suffix;
      // Cycles per unit, times 1000 for nanoseconds (divided back, rounded, below).
      const std::uint64_t factor = unit == "_ms" ? cpu_mhz_ * 1000 : unit == "_cycles" ? 1 : cpu_mhz_;
      if (v > (UINT64_MAX - 500) / factor) {
        fail(t, prefix + key, fmt::format("{} is too large: it overflows a 64-bit cycle count", v), node);
      }
      const Cycles cycles = unit == "_ns" ? (v * factor + 500) / 1000 : v * factor;
      if (cycles > max_cycles_) {
        fail(t, prefix + key,
             fmt::format("{} is too large: {} cycles is more than the {} s of modeled time any quantity may span "
                         "({} cycles at {} MHz)",
                         v, cycles, kMaxSeconds, max_cycles_, cpu_mhz_),
             node);
      }
      take(key, cycles, node);
    }
    if (rate_key) {
      if (const toml::node* node = t.get(rate_key)) {
        const std::uint64_t hz = *integer(t, prefix, rate_key, 1, INT64_MAX);
        take(rate_key, cpu_mhz_ * 1'000'000 / hz, node);
      }
    }
    if (!result && required) {
      std::string options;
      for (const char* suffix : suffixes) options += (options.empty() ? "" : " | ") + stem + suffix;
      if (rate_key) options += std::string(" | ") + rate_key;
      fail(t, prefix + stem, fmt::format("missing: give one of {}", options));
    }
    return result;
  }

  // A first possible arrival: within the run, or the source would never fire.
  Cycles start(const toml::table& t, const std::string& prefix) const {
    const auto q = time(t, prefix, "start", {"_us", "_ns", "_cycles"}, false, true);
    if (!q) return 0;
    if (q->cycles >= duration_) {
      fail(t, prefix + q->key,
           fmt::format("starts at cycle {}, not before the end of the run (duration {} cycles): it would never fire",
                       q->cycles, duration_),
           q->node);
    }
    return q->cycles;
  }

  // What a source raises: a driver's device (`driver`) or a bare device line
  // (`vector`), exactly one; a bare line may not be a driver's.
  void read_source_target(const toml::table& t, const std::string& prefix, SourceSpec& src) const {
    if (t.get("driver") && t.get("vector")) {
      fail(t, prefix + "vector", "a source names a driver or a vector, not both (a driver's line is its own)",
           t.get("vector"));
    }
    if (const auto name = string(t, prefix, "driver", false)) {
      for (std::uint32_t i = 0; i < drivers::kDriverCount; ++i) {
        if (*name == drivers::kDrivers[i].name) {
          src.driver = i;
          src.vector = static_cast<Vector>(vectors::kDeviceBase + drivers::kDrivers[i].line);
          return;
        }
      }
      std::vector<std::string> known;
      for (const drivers::DriverInfo& d : drivers::kDrivers) known.emplace_back(d.name);
      fail(t, prefix + "driver", fmt::format("unknown driver '{}': must be one of {}", *name, fmt::join(known, ", ")),
           t.get("driver"));
    }
    src.vector = device_vector(t, prefix);
    if (const drivers::DriverInfo* d = drivers::driver_on_line(src.vector - vectors::kDeviceBase)) {
      fail(t, prefix + "vector",
           fmt::format("{:#x} is the line of driver {}: name it with driver = \"{}\" (its device then has data "
                       "for the driver to read)",
                       static_cast<unsigned>(src.vector), d->name, d->name),
           t.get("vector"));
    }
  }

  // A device vector (0x40-0x4f), read at any integer width so that 0x400 is
  // reported as "not a device vector", not as "not a byte".
  Vector device_vector(const toml::table& t, const std::string& prefix) const {
    const std::uint64_t v = *integer(t, prefix, "vector", INT64_MIN, INT64_MAX, true);
    if (!vectors::is_device(static_cast<Vector>(v)) || v > 0xFF) {
      fail(t, prefix + "vector",
           fmt::format("{:#x} is not a device vector: must be between {:#x} and {:#x}", static_cast<std::int64_t>(v),
                       vectors::kDeviceBase, vectors::kDeviceBase + vectors::kDeviceLines - 1),
           t.get("vector"));
    }
    return static_cast<Vector>(v);
  }

  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      default: return "a date/time";
    }
  }

  static bool valid_name(const std::string& name, std::size_t max) {
    if (name.empty() || name.size() > max) return false;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    }
    return true;
  }

  const toml::array* array_of_tables(const char* key) const {
    const toml::node* node = root_.get(key);
    if (!node) return nullptr;
    if (!node->is_array_of_tables()) fail(root_, key, fmt::format("must be an array of tables: write [[{}]]", key), node);
    return node->as_array();
  }

  void parse_tasks(Scenario& s) const {
    const toml::array* tasks = array_of_tables("task");
    if (!tasks) return;
    if (tasks->size() > kMaxTasks) fail(root_, "task", fmt::format("at most {} tasks", kMaxTasks), tasks);
    std::set<std::string> names;
    struct Partner {
      std::size_t index;
      std::string name;
      const toml::table* table;
    };
    std::vector<Partner> partners;
    for (std::size_t i = 0; i < tasks->size(); ++i) {
      const toml::table& t = *(*tasks)[i].as_table();
      const std::string prefix = fmt::format("task[{}].", i);
      check_keys(t, prefix, {"name", "program", "priority", "sleep_us", "cpu", "partner", "arg"});
      TaskSpec task;
      task.name = *string(t, prefix, "name", true);
      if (!valid_name(task.name, 15)) {
        fail(t, prefix + "name", "must be 1 to 15 characters of a-z, 0-9, '-' and '_'", t.get("name"));
      }
      if (!names.insert(task.name).second) {
        fail(t, prefix + "name", fmt::format("duplicate task name '{}'", task.name), t.get("name"));
      }
      const std::string program = *string(t, prefix, "program", true);
      if (const auto known = program_named(program)) {
        task.program = *known;
      } else {
        std::string all;
        for (const ProgramInfo& p : kPrograms) all += (all.empty() ? "" : ", ") + std::string(p.name);
        fail(t, prefix + "program", fmt::format("unknown program '{}': must be one of {}", program, all),
             t.get("program"));
      }
      task.priority = static_cast<std::uint32_t>(integer(t, prefix, "priority", 0, 3).value_or(0));
      const auto sleep_us = integer(t, prefix, "sleep_us", 1, 1'000'000'000);
      const ProgramArg arg = program_info(task.program)->arg;
      if (arg == ProgramArg::SleepNanoseconds && !sleep_us) {
        fail(t, prefix + "sleep_us", "missing: a sleeper needs sleep_us");
      }
      if (arg != ProgramArg::SleepNanoseconds && sleep_us) {
        fail(t, prefix + "sleep_us", "only a sleeper takes sleep_us", t.get("sleep_us"));
      }
      task.sleep_ns = sleep_us.value_or(0) * 1000;
      const auto number = integer(t, prefix, "arg", 0, std::numeric_limits<std::int64_t>::max());
      if (arg == ProgramArg::Number && !number) fail(t, prefix + "arg", "missing: this program needs arg");
      if (arg != ProgramArg::Number && number) {
        fail(t, prefix + "arg", fmt::format("program '{}' takes no arg", program), t.get("arg"));
      }
      task.number = static_cast<std::uint64_t>(number.value_or(0));
      if (const auto cpu = integer(t, prefix, "cpu", 0, 255)) {
        if (*cpu >= s.cpus) {
          fail(t, prefix + "cpu", fmt::format("CPU {} does not exist: the scenario has {} CPU(s)", *cpu, s.cpus),
               t.get("cpu"));
        }
        task.cpu = static_cast<CpuId>(*cpu);
      }
      const auto partner = string(t, prefix, "partner", false);
      if (arg == ProgramArg::PartnerTask && !partner) fail(t, prefix + "partner", "missing: a pinger needs a partner task");
      if (arg != ProgramArg::PartnerTask && partner) {
        fail(t, prefix + "partner", "only a pinger takes a partner", t.get("partner"));
      }
      s.tasks.push_back(task);
      if (partner) partners.push_back({i, *partner, &t});
    }
    // Partners by name, once every task is known.
    for (const auto& [index, name, table] : partners) {
      const auto it = std::find_if(s.tasks.begin(), s.tasks.end(), [&name = name](const TaskSpec& t) { return t.name == name; });
      const std::string key = fmt::format("task[{}].partner", index);
      if (it == s.tasks.end()) fail(*table, key, fmt::format("no task named '{}'", name), table->get("partner"));
      if (it - s.tasks.begin() == static_cast<std::ptrdiff_t>(index)) fail(*table, key, "a pinger cannot be its own partner", table->get("partner"));
      s.tasks[index].partner = static_cast<std::uint32_t>(it - s.tasks.begin());
    }
  }

  // One [[source]] table as its kind reads it (sim/source_kinds.h).
  class SourceTable final : public SourceParameters {
   public:
    SourceTable(const Parser& parser, const toml::table& t, const std::string& prefix)
        : parser_(parser), t_(t), prefix_(prefix) {}

    std::uint64_t integer(const char* key, std::int64_t min, std::int64_t max) const override {
      return *parser_.integer(t_, prefix_, key, min, max, true);
    }

    Time time(std::string_view stem, std::span<const char* const> suffixes, const char* rate_key) const override {
      const Quantity q = *parser_.time(t_, prefix_, std::string(stem), suffixes, true, false, rate_key);
      return {q.cycles, q.key};
    }

    // A source faster than kMinSourcePeriod would leave the CPU no time between handlers.
    Cycles interval(std::string_view stem, std::span<const char* const> suffixes,
                    const char* rate_key) const override {
      const Quantity q = *parser_.time(t_, prefix_, std::string(stem), suffixes, true, false, rate_key);
      if (q.cycles < kMinSourcePeriod) {
        parser_.fail(t_, prefix_ + q.key,
                     fmt::format("{} cycles between interrupts is a livelock: must be at least {} cycles", q.cycles,
                                 kMinSourcePeriod),
                     q.node);
      }
      return q.cycles;
    }

    [[noreturn]] void fail(const std::string& key, const std::string& message) const override {
      parser_.fail(t_, prefix_ + key, message, t_.get(key));
    }

   private:
    const Parser& parser_;
    const toml::table& t_;
    const std::string& prefix_;
  };

  void parse_sources(Scenario& s) const {
    const toml::array* sources = array_of_tables("source");
    if (!sources) return;
    if (sources->size() > kMaxSources) fail(root_, "source", fmt::format("at most {} sources", kMaxSources), sources);
    std::set<std::string> names;
    for (std::size_t i = 0; i < sources->size(); ++i) {
      const toml::table& t = *(*sources)[i].as_table();
      const std::string prefix = fmt::format("source[{}].", i);
      SourceSpec src;
      src.name = *string(t, prefix, "name", true);
      if (!valid_name(src.name, 31)) {
        fail(t, prefix + "name", "must be 1 to 31 characters of a-z, 0-9, '-' and '_'", t.get("name"));
      }
      if (!names.insert(src.name).second) {
        fail(t, prefix + "name", fmt::format("duplicate source name '{}'", src.name), t.get("name"));
      }
      const std::string kind = *string(t, prefix, "kind", true);
      const SourceKindInfo* info = source_kind_named(kind);
      if (!info) {
        fail(t, prefix + "kind", fmt::format("unknown kind '{}': must be one of {}", kind, source_kind_names()),
             t.get("kind"));
      }
      src.kind = info->kind;
      std::vector<const char*> allowed(std::begin(kCommonSourceKeys), std::end(kCommonSourceKeys));
      allowed.insert(allowed.end(), info->keys.begin(), info->keys.end());
      for (const auto& [key, node] : t) {
        if (std::find_if(allowed.begin(), allowed.end(), [&key = key](const char* a) { return key.str() == a; }) == allowed.end()) {
          fail(t, prefix + std::string(key.str()),
               fmt::format("unknown key for a {} source (allowed: {})", kind, fmt::join(allowed, ", ")), &node);
        }
      }
      read_source_target(t, prefix, src);
      if (src.driver && t.get("cpu")) {
        fail(t, prefix + "cpu",
             "a driver's device interrupts the CPU its driver routes it to (CPU 0, docs/drivers.md): no cpu key",
             t.get("cpu"));
      }
      src.cpu = static_cast<CpuId>(integer(t, prefix, "cpu", 0, 255).value_or(0));
      if (src.cpu >= s.cpus) {
        fail(t, prefix + "cpu", fmt::format("CPU {} does not exist: the scenario has {} CPU(s)", src.cpu, s.cpus),
             t.get("cpu"));
      }
      src.start = start(t, prefix);
      info->parse(SourceTable(*this, t, prefix), src);
      s.sources.push_back(src);
    }
  }

  void parse_faults(Scenario& s) const {
    const toml::array* faults = array_of_tables("fault");
    if (!faults) return;
    if (faults->size() > kMaxFaults) {
      fail(root_, "fault",
           fmt::format("{} [[fault]] tables: at most {} (their injections add up; see docs/scenarios.md)",
                       faults->size(), kMaxFaults),
           faults);
    }
    double rate = 0;  // injections per cycle, all entries together
    for (std::size_t i = 0; i < faults->size(); ++i) {
      const toml::table& t = *(*faults)[i].as_table();
      const std::string prefix = fmt::format("fault[{}].", i);
      check_keys(t, prefix, {"kind", "rate_hz", "mean_us", "mean_ns", "mean_cycles", "start_us", "start_ns",
                             "start_cycles", "count", "vector", "task", "late_us", "late_ns", "late_cycles"});
      FaultSpec f;
      const std::string kind = *string(t, prefix, "kind", true);
      const FaultKindInfo* info = fault_kind_named(kind);
      if (!info) {
        fail(t, prefix + "kind", fmt::format("unknown fault '{}': must be one of {}", kind, fault_kind_names()),
             t.get("kind"));
      }
      f.kind = info->kind;
      if (s.arch == GuestArchitecture::Aarch64 && (f.kind == FaultKind::Nmi || f.kind == FaultKind::NmiSwapgsWindow)) {
        fail(t, prefix + "kind",
             fmt::format("'{}' is x86-64's: the AArch64 board raises no NMI, and AArch64 has no swapgs "
                         "(scenario.arch is aarch64; docs/aarch64.md)",
                         kind),
             t.get("kind"));
      }
      const Quantity mean = *time(t, prefix, "mean", {"_us", "_ns", "_cycles"}, true, false, "rate_hz");
      if (mean.cycles < kMinFaultMean) {
        fail(t, prefix + mean.key,
             fmt::format("{} cycles between injections is a livelock: must be at least {} cycles", mean.cycles,
                         kMinFaultMean),
             mean.node);
      }
      rate += 1.0 / static_cast<double>(mean.cycles);
      if (rate * static_cast<double>(kMinFaultMean) > 1.0 + 1e-9) {
        fail(t, prefix + mean.key,
             fmt::format("the [[fault]] tables so far inject once every {:.0f} cycles on average: all together "
                         "must leave at least {} cycles between injections",
                         1.0 / rate, kMinFaultMean),
             mean.node);
      }
      f.mean = mean.cycles;
      f.start = start(t, prefix);
      f.count = static_cast<std::uint32_t>(integer(t, prefix, "count", 0, 1'000'000).value_or(0));
      if (info->takes == FaultParameter::Vector) {
        f.vector = device_vector(t, prefix);
        if (const drivers::DriverInfo* d = drivers::driver_on_line(f.vector - vectors::kDeviceBase);
            d && kind == "level-device") {
          fail(t, prefix + "vector",
               fmt::format("{:#x} is the line of driver {}, which its device deasserts, not DEVICE_ACK: a "
                           "level-device fault needs a bare line",
                           static_cast<unsigned>(f.vector), d->name),
               t.get("vector"));
        }
      } else if (t.get("vector")) {
        fail(t, prefix + "vector", fmt::format("a {} fault takes no vector", kind), t.get("vector"));
      }
      if (info->takes == FaultParameter::Task) {
        f.task = *string(t, prefix, "task", true);
        bool found = false;
        for (const TaskSpec& task : s.tasks) found |= task.name == f.task;
        if (!found) fail(t, prefix + "task", fmt::format("no task named '{}'", f.task), t.get("task"));
        for (const TaskSpec& task : s.tasks) {
          if (task.name == f.task && is_kernel_thread(task.program)) {
            fail(t, prefix + "task",
                 fmt::format("task '{}' is a kernel thread ({}): kernel memory is never paged, so a not-present "
                             "page there is a kernel bug, not a fault to serve; aim at a ring-3 task",
                             f.task, program_name(task.program)),
                 t.get("task"));
          }
        }
      } else if (t.get("task")) {
        fail(t, prefix + "task", fmt::format("a {} fault takes no task", kind), t.get("task"));
      }
      if (info->takes == FaultParameter::Late) {
        const Quantity late = *time(t, prefix, "late", {"_us", "_ns", "_cycles"}, true, false);
        if (late.cycles >= duration_) {
          fail(t, prefix + late.key,
               fmt::format("{} cycles late is not less than the run ({} cycles): the late tick could never arrive",
                           late.cycles, duration_),
               late.node);
        }
        f.late = late.cycles;
      }
      s.faults.push_back(f);
    }
  }

  void parse_checks(Scenario& s) const {
    const toml::table* checks = optional_table(root_, "checks");
    if (!checks) return;
    check_keys(*checks, "checks.", {"min_cpu_share"});
    if (const toml::node* node = checks->get("min_cpu_share")) {
      // A fraction: a float, or the integers 0 (off) and 1.
      double share = 0;
      if (node->is_floating_point()) {
        share = node->as_floating_point()->get();
      } else if (node->is_integer()) {
        share = static_cast<double>(node->as_integer()->get());
      } else {
        fail(*checks, "checks.min_cpu_share", fmt::format("must be a number, not {}", type_name(*node)), node);
      }
      if (!(share >= 0 && share <= 1)) {
        fail(*checks, "checks.min_cpu_share",
             fmt::format("{} is out of range: must be a fraction between 0 (no check) and 1", share), node);
      }
      s.min_cpu_share = share;
    }
  }

  void parse_budgets(Scenario& s) const {
    const toml::table* budgets = optional_table(root_, "budgets");
    if (!budgets) return;
    std::set<std::string> known;
    for (PathId p = 0; p < kPathCount; ++p) {
      known.insert(path_name(s.arch, p, false));
      known.insert(path_name(s.arch, p, true));
    }
    for (const auto& [key, node] : *budgets) {
      const std::string name(key.str());
      if (!known.count(name)) {
        fail(*budgets, "budgets." + name,
             "unknown handler: use a name from the report, e.g. timer, timer+switch, device1, spurious, "
             "page-fault, syscall/yield",
             &node);
      }
      const auto cycles = *integer(*budgets, "budgets.", name.c_str(), 1, 1000);
      s.budgets.push_back({name, cycles});
    }
  }

  const toml::table& root_;
  std::string file_;
  std::uint64_t cpu_mhz_ = 2000;
  Cycles max_cycles_ = kMaxSeconds * 2'000'000'000;
  Cycles duration_ = 0;
};

}  // namespace

const char* program_name(UserProgram program) {
  const ProgramInfo* info = program_info(program);
  return info ? info->name : "?";
}

std::optional<UserProgram> program_named(std::string_view name) {
  const ProgramInfo* info = pristine::program_named(name.data(), name.size());
  if (!info) return std::nullopt;
  return info->program;
}

RunPlan plan_of(const Scenario& s) {
  RunPlan p;
  p.cycles = s.duration;
  p.milliseconds = static_cast<double>(s.duration) * 1e3 / static_cast<double>(s.cpu_hz);
  p.ticks_per_cpu = s.duration / (s.cpu_hz / s.tick_hz);
  for (const SourceSpec& src : s.sources) {
    if (src.start >= s.duration) continue;
    const Cycles span = s.duration - src.start;
    p.source_interrupts += source_kind_info(src.kind).expected_arrivals(src, span);
  }
  for (const FaultSpec& f : s.faults) {
    if (f.start >= s.duration) continue;
    const std::uint64_t n = (s.duration - f.start) / f.mean;
    p.fault_injections += f.count == 0 ? n : std::min<std::uint64_t>(n, f.count);
  }
  return p;
}

std::string describe_plan(const Scenario& s) {
  const RunPlan p = plan_of(s);
  return fmt::format("plan: {:.3f} ms modeled ({} cycles at {} MHz) on {} CPU(s): about {} timer ticks per CPU, "
                     "{} source interrupts, {} fault injections",
                     p.milliseconds, p.cycles, s.cpu_hz / 1'000'000, s.cpus, p.ticks_per_cpu, p.source_interrupts,
                     p.fault_injections);
}

ScenarioError::ScenarioError(const std::string& file, std::uint32_t line, const std::string& key,
                             const std::string& message)
    : std::runtime_error(fmt::format("{}:{}: {}: {}", file, line, key, message)),
      file_(file),
      line_(line),
      key_(key) {}

Cycles Scenario::budget_for(const std::string& handler) const {
  for (const BudgetSpec& b : budgets) {
    if (b.handler == handler) return b.cycles;
  }
  return default_budget;
}

Scenario parse_scenario(std::string_view text, const std::filesystem::path& file) {
  const toml::table root = parse_toml_input(text, file);
  return Parser(root, file.string()).parse();
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw ScenarioError(file.string(), 0, "", "no such scenario file (give the path of a .toml file)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file.string(), 0, "", "cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), file);
}

}  // namespace pristine::sim
