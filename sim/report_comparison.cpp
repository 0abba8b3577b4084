#include "sim/report_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

namespace pristine::sim {
namespace {

[[noreturn]] void refuse(const std::string& file, const std::string& field, const std::string& why) {
  throw ComparisonInputError(field.empty() ? fmt::format("{}: {}", file, why) : fmt::format("{}: {}: {}", file, field, why));
}

const nlohmann::json& member(const nlohmann::json& object, const char* key, const std::string& file,
                             const std::string& where) {
  const std::string field = where.empty() ? key : where + "." + key;
  if (!object.is_object() || !object.contains(key)) refuse(file, field, "missing");
  return object[key];
}

std::uint64_t whole_number(const nlohmann::json& value, const std::string& file, const std::string& field) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    refuse(file, field, fmt::format("must be a whole number, not {}", value.dump()));
  }
  return value.get<std::uint64_t>();
}

Distribution distribution(const nlohmann::json& object, const char* key, const std::string& file,
                          const std::string& where) {
  const nlohmann::json& d = member(object, key, file, where);
  const std::string field = where + "." + key;
  if (!d.is_object()) refuse(file, field, fmt::format("must be an object with min, p50, p99, max, not {}", d.dump()));
  const auto figure = [&](const char* stat) { return whole_number(member(d, stat, file, field), file, field + "." + stat); };
  return {figure("min"), figure("p50"), figure("p99"), figure("max")};
}

std::string name_of(const nlohmann::json& entry, const char* key, const std::string& file, const std::string& where) {
  const nlohmann::json& name = member(entry, key, file, where);
  if (!name.is_string() || name.get<std::string>().empty()) refuse(file, where + "." + key, "must be a non-empty string");
  return name.get<std::string>();
}

const nlohmann::json& array_of(const nlohmann::json& document, const char* key, const std::string& file) {
  const nlohmann::json& a = member(document, key, file, "");
  if (!a.is_array()) refuse(file, key, "must be an array");
  return a;
}

void check_version(const nlohmann::json& document, const std::string& file, bool required) {
  if (!document.contains("schema_version")) {
    if (required) refuse(file, "schema_version", "missing");
    return;  // a report from before the field: its paths have the same fields
  }
  const nlohmann::json& v = document["schema_version"];
  if (!v.is_number_integer() || v.get<std::int64_t>() != 1) {
    refuse(file, "schema_version", fmt::format("{} is not a version this pristine reads (1)", v.dump()));
  }
}

void add_path(FigureSet& set, PathFigures figures, const std::string& field) {
  for (const PathFigures& p : set.paths) {
    if (p.name == figures.name) refuse(set.file, field, fmt::format("the path \"{}\" is listed twice", figures.name));
  }
  set.paths.push_back(std::move(figures));
}

FigureSet sim_figures(const nlohmann::json& document, const std::string& file) {
  check_version(document, file, false);
  FigureSet set{FigureSet::Source::SimReport, file, {}};
  const nlohmann::json& handlers = array_of(document, "handlers", file);
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    const std::string where = fmt::format("handlers[{}]", i);
    add_path(set,
             {name_of(handlers[i], "name", file, where), distribution(handlers[i], "cycles_exclusive", file, where),
              distribution(handlers[i], "instructions_exclusive", file, where)},
             where);
  }
  if (document.contains("profiles")) {
    const nlohmann::json& profiles = array_of(document, "profiles", file);
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      const std::string where = fmt::format("profiles[{}]", i);
      add_path(set,
               {name_of(profiles[i], "name", file, where), distribution(profiles[i], "cycles", file, where),
                distribution(profiles[i], "instructions", file, where)},
               where);
    }
  }
  return set;
}

FigureSet budget_figures(const nlohmann::json& document, const std::string& file) {
  check_version(document, file, true);
  FigureSet set{FigureSet::Source::BudgetResult, file, {}};
  const nlohmann::json& paths = array_of(document, "paths", file);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string where = fmt::format("paths[{}]", i);
    const std::string name = name_of(paths[i], "path", file, where);
    if (member(paths[i], "cycles", file, where).is_null()) continue;  // not measured in that run
    add_path(set, {name, distribution(paths[i], "cycles", file, where), distribution(paths[i], "instructions", file, where)},
             where);
  }
  return set;
}

void add_change(std::vector<FigureChange>& changes, const std::string& figure, std::uint64_t before,
                std::uint64_t after, double threshold) {
  if (before == after) return;
  const double percent = before == 0 ? std::numeric_limits<double>::infinity()
                                     : 100.0 * (static_cast<double>(after) - static_cast<double>(before)) /
                                           static_cast<double>(before);
  changes.push_back({figure, before, after, percent, after > before && percent > threshold});
}

}  // namespace

const char* source_name(FigureSet::Source source) {
  return source == FigureSet::Source::SimReport ? "a `pristine sim --json` report" : "a `pristine budget --json` result";
}

FigureSet figures_of(const nlohmann::json& document, const std::string& file) {
  if (!document.is_object()) refuse(file, "", "not a JSON object: neither a `pristine sim --json` report nor a `pristine budget --json` result");
  const auto with_arch = [&](FigureSet set) {
    if (document.contains("arch")) {
      if (!document["arch"].is_string()) refuse(file, "arch", "must be a string");
      set.arch = document["arch"].get<std::string>();
    }
    return set;
  };
  if (document.contains("gate")) {
    if (document["gate"] != "budget") refuse(file, "gate", fmt::format("{} is not \"budget\"", document["gate"].dump()));
    return with_arch(budget_figures(document, file));
  }
  if (document.contains("scenario") && document.contains("handlers")) return with_arch(sim_figures(document, file));
  refuse(file, "", "neither a `pristine sim --json` report (scenario, handlers) nor a `pristine budget --json` result (gate)");
}

FigureSet load_figures(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse(file.string(), "", "cannot read the file");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    refuse(file.string(), "", fmt::format("not JSON: {}", e.what()));
  }
  return figures_of(document, file.string());
}

std::vector<FigureChange> figure_changes(const PathFigures& before, const PathFigures& after, double threshold) {
  std::vector<FigureChange> changes;
  for (const auto& [unit, b, a] : {std::tuple{"cycles", before.cycles, after.cycles},
                                   std::tuple{"instructions", before.instructions, after.instructions}}) {
    add_change(changes, fmt::format("{} min", unit), b.min, a.min, threshold);
    add_change(changes, fmt::format("{} p50", unit), b.p50, a.p50, threshold);
    add_change(changes, fmt::format("{} p99", unit), b.p99, a.p99, threshold);
    add_change(changes, fmt::format("{} max", unit), b.max, a.max, threshold);
  }
  return changes;
}

bool PathComparison::regressed() const {
  return std::any_of(changes.begin(), changes.end(), [](const FigureChange& c) { return c.regression; });
}

bool Comparison::flagged() const {
  return std::any_of(paths.begin(), paths.end(), [](const PathComparison& p) { return p.flagged(); });
}

Comparison compare_figures(const FigureSet& before, const FigureSet& after, double threshold) {
  if (before.source != after.source) {
    throw ComparisonInputError(fmt::format("{} is {} and {} is {}: compare two of the same kind", before.file,
                                           source_name(before.source), after.file, source_name(after.source)));
  }
  Comparison c{before.file, after.file, before.source, threshold, {}};
  const auto find = [](const FigureSet& set, const std::string& name) -> const PathFigures* {
    for (const PathFigures& p : set.paths) {
      if (p.name == name) return &p;
    }
    return nullptr;
  };
  for (const PathFigures& b : before.paths) {
    PathComparison p{b.name};
    if (const PathFigures* a = find(after, b.name)) {
      p.changes = figure_changes(b, *a, threshold);
    } else {
      p.in_after = false;
    }
    c.paths.push_back(std::move(p));
  }
  for (const PathFigures& a : after.paths) {
    if (!find(before, a.name)) c.paths.push_back({a.name, false, true, {}});
  }
  return c;
}

std::string percent_text(double percent) {
  return std::isinf(percent) ? "+inf %" : fmt::format("{:+.1f} %", percent);
}

std::string render_comparison(const Comparison& c) {
  std::string out = fmt::format("compare {} -> {} ({}s; flagged: a figure up by more than {:g} %, a path in only one)\n",
                                c.before_file, c.after_file,
                                c.source == FigureSet::Source::SimReport ? "sim report" : "budget result",
                                c.threshold_percent);
  out += fmt::format("{:<34} {:<17} {:>10} {:>10} {:>9}  {}\n", "path", "figure", "before", "after", "change", "verdict");
  std::size_t flagged = 0;
  for (const PathComparison& p : c.paths) {
    flagged += p.flagged() ? 1 : 0;
    if (!p.in_before || !p.in_after) {
      out += fmt::format("{:<34} {:<17} {:>10} {:>10} {:>9}  FLAGGED: only in {}\n", p.name, "-", "-", "-", "-",
                         p.in_before ? "before" : "after");
      continue;
    }
    if (p.changes.empty()) {
      out += fmt::format("{:<34} {:<17} {:>10} {:>10} {:>9}  unchanged\n", p.name, "all", "-", "-", "-");
      continue;
    }
    for (const FigureChange& f : p.changes) {
      out += fmt::format("{:<34} {:<17} {:>10} {:>10} {:>9}  {}\n", p.name, f.figure, f.before, f.after,
                         percent_text(f.percent),
                         f.regression ? "REGRESSION" : f.after > f.before ? "up, within threshold" : "down");
    }
  }
  out += fmt::format("compare: {} ({} of {} paths flagged)\n", c.flagged() ? "FLAGGED" : "PASS", flagged, c.paths.size());
  return out;
}

nlohmann::ordered_json to_json(const Comparison& c) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  j["comparison"] = c.source == FigureSet::Source::SimReport ? "sim" : "budget";
  j["before"] = c.before_file;
  j["after"] = c.after_file;
  j["threshold_percent"] = c.threshold_percent;
  auto& paths = j["paths"] = nlohmann::ordered_json::array();
  for (const PathComparison& p : c.paths) {
    nlohmann::ordered_json e;
    e["name"] = p.name;
    e["in"] = !p.in_after ? "before only" : !p.in_before ? "after only" : "both";
    auto& changes = e["changes"] = nlohmann::ordered_json::array();
    for (const FigureChange& f : p.changes) {
      changes.push_back({{"figure", f.figure}, {"before", f.before}, {"after", f.after},
                         {"percent", std::isinf(f.percent) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.percent)},
                         {"regression", f.regression}});
    }
    e["flagged"] = p.flagged();
    paths.push_back(std::move(e));
  }
  j["flagged"] = c.flagged();
  return j;
}

}  // namespace pristine::sim
