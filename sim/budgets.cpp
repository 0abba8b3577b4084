#include "sim/budgets.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "benches/hot_paths.h"
#include "sim/scenario.h"
#include "sim/toml_input.h"

namespace pristine::sim {
namespace {

// Every figure of the file (ceiling, budgets, goals, instruction counts): a
// hot path's worst case is hundreds of cycles; a million is no budget at all.
constexpr std::uint64_t kMaxFigure = 1'000'000;

std::uint32_t line_of(const toml::node* node) { return node ? node->source().begin.line : 0; }

[[noreturn]] void fail(const std::filesystem::path& file, const toml::node* node, const std::string& key,
                       const std::string& message) {
  throw ScenarioError(file.string(), line_of(node), key, message);
}

Cycles cycles(const std::filesystem::path& file, const toml::table& t, const std::string& prefix, const char* key,
              bool required) {
  const toml::node* node = t.get(key);
  if (!node) {
    if (required) fail(file, &t, prefix + key, "missing");
    return 0;
  }
  const auto value = node->value<std::int64_t>();
  if (!node->is_integer() || !value || *value <= 0 || *value > static_cast<std::int64_t>(kMaxFigure)) {
    fail(file, node, prefix + key, fmt::format("must be a positive integer (modeled cycles) of at most {}", kMaxFigure));
  }
  return static_cast<Cycles>(*value);
}

double headroom_percent(const GateRow& r) {
  return 100.0 * (static_cast<double>(r.budget) - static_cast<double>(*r.measured)) / static_cast<double>(r.budget);
}

const char* path_of(const std::string& benchmark) {
  for (const bench::HotPath& p : bench::kHotPaths) {
    if (benchmark == p.benchmark) return p.path;
  }
  return nullptr;
}

}  // namespace

const PathBudget* Budgets::find(const std::string& benchmark) const {
  for (const PathBudget& p : paths) {
    if (p.benchmark == benchmark) return &p;
  }
  return nullptr;
}

Budgets load_budgets(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file.string(), 0, "", "cannot read the budgets file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_budgets(text.str(), file);
}

Budgets parse_budgets(std::string_view text, const std::filesystem::path& file) {
  const toml::table root = parse_toml_input(text, file);
  Budgets b;
  b.file = file;
  for (const auto& [key, node] : root) {
    if (key.str() != "arch" && key.str() != "ceiling" && key.str() != "paths") {
      fail(file, &node, std::string(key.str()), "unknown key (allowed: arch, ceiling, [paths.NAME])");
    }
  }
  if (const toml::node* arch = root.get("arch")) {
    const std::optional<std::string_view> name = arch->value<std::string_view>();
    if (name == architecture_name(GuestArchitecture::Aarch64)) {
      b.arch = GuestArchitecture::Aarch64;
    } else if (name != architecture_name(GuestArchitecture::X86_64)) {
      fail(file, arch, "arch", "must be \"x86_64\" or \"aarch64\"");
    }
  }
  b.ceiling = cycles(file, root, "", "ceiling", true);
  const toml::table* paths = root["paths"].as_table();
  if (!paths) fail(file, &root, "paths", "missing: a [paths.NAME] table per hot path");
  for (const auto& [name, node] : *paths) {
    const std::string prefix = fmt::format("paths.{}.", name.str());
    const toml::table* t = node.as_table();
    if (!t) fail(file, &node, prefix, "must be a table");
    if (!path_of(std::string(name.str()))) {
      std::string known;
      for (const bench::HotPath& p : bench::kHotPaths) known += (known.empty() ? "" : ", ") + std::string(p.benchmark);
      fail(file, &node, std::string(name.str()), fmt::format("no such hot path benchmark (known: {})", known));
    }
    for (const auto& [k, v] : *t) {
      if (k.str() != "budget" && k.str() != "goal" && k.str() != "goal_source" && k.str() != "instruction_budget" &&
          k.str() != "instruction_goal") {
        fail(file, &v, prefix + std::string(k.str()),
             "unknown key (allowed: budget, goal, goal_source, instruction_budget, instruction_goal)");
      }
    }
    PathBudget p;
    p.benchmark = std::string(name.str());
    p.budget = cycles(file, *t, prefix, "budget", true);
    if (p.budget > b.ceiling) {
      fail(file, t->get("budget"), prefix + "budget", fmt::format("{} is above the ceiling of {} cycles", p.budget, b.ceiling));
    }
    if (t->contains("goal")) p.goal = cycles(file, *t, prefix, "goal", true);
    if (const toml::node* source = t->get("goal_source")) {
      if (!source->is_string()) fail(file, source, prefix + "goal_source", "must be a string");
      p.goal_source = source->as_string()->get();
    }
    if (t->contains("instruction_budget")) p.instruction_budget = cycles(file, *t, prefix, "instruction_budget", true);
    if (t->contains("instruction_goal")) p.instruction_goal = cycles(file, *t, prefix, "instruction_goal", true);
    b.paths.push_back(std::move(p));
  }
  return b;
}

bool GateResult::pass() const {
  if (rows.empty()) return false;
  for (const GateRow& r : rows) {
    if (r.failed()) return false;
  }
  return true;
}

GateResult judge(const Budgets& budgets, const nlohmann::json& output) {
  GateResult result;
  result.arch = budgets.arch;
  // Every hot path is judged, measured or not: a missing one fails the gate.
  for (const bench::HotPath& hot : bench::kHotPaths) {
    GateRow row;
    row.benchmark = hot.benchmark;
    row.path = bench::path_name(hot, budgets.arch);
    const PathBudget* budget = budgets.find(hot.benchmark);
    row.budget = budget ? budget->budget : budgets.ceiling;
    if (budget) {
      row.goal = budget->goal;
      row.instruction_budget = budget->instruction_budget;
      row.instruction_goal = budget->instruction_goal;
    }
    row.error = "not in the benchmark output";
    for (const nlohmann::json& b : output.value("benchmarks", nlohmann::json::array())) {
      const std::string name = b.value("name", "");
      if (name.substr(0, name.find('/')) != hot.benchmark) continue;
      if (b.value("error_occurred", false)) {
        row.error = b.value("error_message", "error");
      } else if (b.contains("cycles_max")) {
        row.measured = static_cast<Cycles>(b["cycles_max"].get<double>());
        if (b.contains("instructions_max")) row.instructions = static_cast<std::uint64_t>(b["instructions_max"].get<double>());
        const auto counter = [&b](const char* name) { return static_cast<std::uint64_t>(b.value(name, 0.0)); };
        row.cycles = {counter("cycles_min"), counter("cycles_p50"), counter("cycles_p99"), *row.measured};
        row.instruction_figures = {counter("instructions_min"), counter("instructions_p50"),
                                   counter("instructions_p99"), counter("instructions_max")};
        row.count = static_cast<std::uint64_t>(b.value("count", 0.0));
        row.violations = static_cast<std::uint64_t>(b.value("violations", 0.0));
        row.label = b.value("label", "");
        row.error.clear();
      }
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::string verdict_text(const GateRow& r) {
  std::string verdict = !r.measured            ? "NOT MEASURED: " + r.error
                        : r.instructions_over() ? "OVER INSTRUCTION BUDGET"
                        : r.over()              ? "OVER BUDGET"
                        : r.violations != 0     ? "BROKE THE RULES"
                        : !r.regressions.empty() ? "REGRESSION"
                                                : "ok";
  if (r.measured && !r.over() && r.goal) verdict += *r.measured <= *r.goal ? ", goal met" : ", goal missed";
  if (r.measured && (r.instruction_budget || r.instruction_goal)) {
    verdict += fmt::format("; {} instructions", r.instructions ? fmt::to_string(*r.instructions) : "?");
    if (r.instruction_budget) verdict += fmt::format(", budget {}", *r.instruction_budget);
    if (r.instruction_goal) {
      verdict += fmt::format(", goal {} {}", *r.instruction_goal,
                             r.instructions && *r.instructions <= *r.instruction_goal ? "met" : "missed");
    }
  }
  if (r.violations != 0) verdict += " (" + r.label + ")";
  for (const FigureChange& c : r.regressions) {
    verdict += fmt::format("; {} {} against the baseline ({} -> {})", c.figure, percent_text(c.percent), c.before, c.after);
  }
  return verdict;
}

std::string render_gate(const GateResult& result) {
  std::string out = fmt::format("{:<24} {:<24} {:>8} {:>8} {:>9} {:>6}  {}\n", "hot path", "report path", "measured",
                                "budget", "headroom", "goal", "verdict");
  for (const GateRow& r : result.rows) {
    out += fmt::format("{:<24} {:<24} {:>8} {:>8} {:>9} {:>6}  {}\n", r.benchmark, r.path,
                       r.measured ? fmt::to_string(*r.measured) : "-", r.budget,
                       r.measured ? fmt::format("{:+.1f}%", headroom_percent(r)) : "-",
                       r.goal ? fmt::to_string(*r.goal) : "-", verdict_text(r));
  }
  if (result.baseline_file) {
    out += fmt::format("(baseline {}: a figure up by more than {:g} % fails its path)\n", *result.baseline_file,
                       result.threshold_percent);
  }
  return out;
}

void apply_baseline(GateResult& result, const FigureSet& baseline, double threshold_percent) {
  result.baseline_file = baseline.file;
  result.threshold_percent = threshold_percent;
  for (GateRow& row : result.rows) {
    for (const PathFigures& p : baseline.paths) {
      if (p.name != row.path) continue;
      row.baseline = p;
      if (!row.measured) break;
      for (const FigureChange& c : figure_changes(p, {row.path, row.cycles, row.instruction_figures}, threshold_percent)) {
        if (c.regression) row.regressions.push_back(c);
      }
    }
  }
}

nlohmann::ordered_json to_json(const GateResult& result) {
  const auto optional = [](const auto& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
  };
  const auto distribution = [](const Distribution& d) {
    return nlohmann::ordered_json{{"min", d.min}, {"p50", d.p50}, {"p99", d.p99}, {"max", d.max}};
  };
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  j["gate"] = "budget";
  j["arch"] = std::string(architecture_name(result.arch));
  j["baseline"] = optional(result.baseline_file);
  j["threshold_percent"] = result.baseline_file ? nlohmann::ordered_json(result.threshold_percent) : nlohmann::ordered_json(nullptr);
  auto& paths = j["paths"] = nlohmann::ordered_json::array();
  for (const GateRow& r : result.rows) {
    nlohmann::ordered_json e;
    e["benchmark"] = r.benchmark;
    e["path"] = r.path;
    e["count"] = r.count;
    e["cycles"] = r.measured ? distribution(r.cycles) : nlohmann::ordered_json(nullptr);
    e["instructions"] = r.measured ? distribution(r.instruction_figures) : nlohmann::ordered_json(nullptr);
    e["budget_cycles"] = r.budget;
    e["headroom_percent"] = r.measured ? nlohmann::ordered_json(std::round(headroom_percent(r) * 10) / 10) : nlohmann::ordered_json(nullptr);
    e["goal_cycles"] = optional(r.goal);
    e["instruction_budget"] = optional(r.instruction_budget);
    e["instruction_goal"] = optional(r.instruction_goal);
    e["violations"] = r.violations;
    e["violation_kinds"] = r.label;
    if (result.baseline_file) {
      e["baseline"] = r.baseline ? nlohmann::ordered_json{{"cycles", distribution(r.baseline->cycles)},
                                                           {"instructions", distribution(r.baseline->instructions)}}
                                 : nlohmann::ordered_json(nullptr);
      auto& regressions = e["regressions"] = nlohmann::ordered_json::array();
      for (const FigureChange& c : r.regressions) {
        regressions.push_back({{"figure", c.figure}, {"before", c.before}, {"after", c.after},
                               {"percent", std::isinf(c.percent) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.percent)}});
      }
    }
    e["error"] = r.error;
    e["verdict"] = r.failed() ? "fail" : "pass";
    e["verdict_text"] = verdict_text(r);
    paths.push_back(std::move(e));
  }
  j["verdict"] = result.pass() ? "pass" : "fail";
  return j;
}

}  // namespace pristine::sim
