#include "sim/cli/sweep_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace pristine::cli {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const json& field(const json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) throw std::runtime_error(fmt::format("{}: no \"{}\"", where, key));
  return object.at(key);
}

std::uint64_t whole(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_number_unsigned()) {
    throw std::runtime_error(fmt::format("{}: \"{}\" is not a whole number", where, key));
  }
  return value.get<std::uint64_t>();
}

std::string text(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_string()) throw std::runtime_error(fmt::format("{}: \"{}\" is not a string", where, key));
  return value.get<std::string>();
}

const json& array(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_array()) throw std::runtime_error(fmt::format("{}: \"{}\" is not an array", where, key));
  return value;
}

std::string replay_command(const SweepResult& r, std::uint64_t seed) {
  std::string command = fmt::format("pristine sim {} --seed {}", r.scenario, seed);
  if (!r.image.empty()) command += " --image " + r.image;
  return command;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

std::uint64_t SweepResult::failed() const {
  return static_cast<std::uint64_t>(std::count_if(seeds.begin(), seeds.end(), [](const SeedVerdict& v) { return !v.pass; }));
}

std::string scenario_digest(const std::string& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return fmt::format("fnv1a64:{:016x}", hash);
}

void fold_worst(std::map<std::string, PathWorst>& worst, const std::string& path, PathWorst candidate) {
  const auto [it, inserted] = worst.try_emplace(path, candidate);
  PathWorst& w = it->second;
  if (!inserted && (candidate.cycles > w.cycles || (candidate.cycles == w.cycles && candidate.seed < w.seed))) {
    w = candidate;
  }
}

SeedVerdict read_seed_report(std::uint64_t seed, const json& report, std::map<std::string, PathWorst>& worst) {
  const std::string where = fmt::format("the report of seed {}", seed);
  SeedVerdict v{.seed = seed};
  const std::string verdict = text(report, "verdict", where);
  if (verdict != "pass" && verdict != "fail") {
    throw std::runtime_error(fmt::format("{}: \"verdict\" is \"{}\", neither \"pass\" nor \"fail\"", where, verdict));
  }
  v.pass = verdict == "pass";
  for (const json& violation : array(report, "violations", where)) {
    const std::string kind = text(violation, "kind", where + ", a violation");
    if (std::find(v.kinds.begin(), v.kinds.end(), kind) == v.kinds.end()) v.kinds.push_back(kind);
  }
  if (!v.pass && v.kinds.empty()) v.kinds.push_back(kOverBudgetKind);
  for (const json& handler : array(report, "handlers", where)) {
    const std::string name = text(handler, "name", where + ", a handler");
    fold_worst(worst, name, {whole(field(handler, "cycles", where + ", handler " + name), "max", where), seed});
  }
  return v;
}

ordered_json to_json(const SweepResult& r) {
  ordered_json j;
  j["scenario"] = r.scenario;
  j["scenario_digest"] = r.scenario_digest;
  j["image"] = r.image;
  j["seeds"] = {{"first", r.range.first}, {"last", r.range.last}};
  j["shard"] = {{"index", r.shard.index}, {"count", r.shard.count}};
  const std::uint64_t failed = r.failed();
  j["run"] = r.seeds.size();
  j["passed"] = r.seeds.size() - failed;
  j["failed"] = failed;
  std::map<std::string, std::uint64_t> by_kind;
  for (const SeedVerdict& v : r.seeds) {
    for (const std::string& k : v.kinds) ++by_kind[k];
  }
  j["failures_by_kind"] = by_kind;
  auto& worst = j["worst_case"] = ordered_json::array();
  for (const auto& [path, w] : r.worst) worst.push_back({{"path", path}, {"max_cycles", w.cycles}, {"seed", w.seed}});
  auto& seeds = j["results"] = ordered_json::array();
  for (const SeedVerdict& v : r.seeds) {
    ordered_json e{{"seed", v.seed}, {"verdict", v.pass ? "pass" : "fail"}};
    if (!v.kinds.empty()) e["kinds"] = v.kinds;
    if (!v.crash.empty()) e["crash"] = v.crash;
    seeds.push_back(std::move(e));
  }
  return j;
}

SweepResult sweep_result_from_json(const json& j, const std::string& file) {
  SweepResult r;
  r.scenario = text(j, "scenario", file);
  r.scenario_digest = text(j, "scenario_digest", file);
  r.image = text(j, "image", file);
  const json& seeds = field(j, "seeds", file);
  r.range = {whole(seeds, "first", file + ": \"seeds\""), whole(seeds, "last", file + ": \"seeds\"")};
  if (r.range.last < r.range.first || r.range.last - r.range.first >= kMaxSweepSeeds) {
    throw std::runtime_error(fmt::format("{}: \"seeds\" {}..{} is not a valid range", file, r.range.first, r.range.last));
  }
  const json& shard = field(j, "shard", file);
  r.shard = {whole(shard, "index", file + ": \"shard\""), whole(shard, "count", file + ": \"shard\"")};
  if (r.shard.count == 0 || r.shard.count > kMaxShards || r.shard.index >= r.shard.count) {
    throw std::runtime_error(fmt::format("{}: \"shard\" {}/{} is not a valid shard", file, r.shard.index, r.shard.count));
  }
  for (const json& w : array(j, "worst_case", file)) {
    const std::string where = file + ": a \"worst_case\" entry";
    const std::string path = text(w, "path", where);
    if (!r.worst.emplace(path, PathWorst{whole(w, "max_cycles", where), whole(w, "seed", where)}).second) {
      throw std::runtime_error(fmt::format("{}: path {} is listed twice in \"worst_case\"", file, path));
    }
  }
  for (const json& e : array(j, "results", file)) {
    const std::string where = file + ": a \"results\" entry";
    SeedVerdict v{.seed = whole(e, "seed", where)};
    const std::string verdict = text(e, "verdict", where);
    v.pass = verdict == "pass";
    if (!v.pass && verdict != "fail") throw std::runtime_error(fmt::format("{}: verdict \"{}\"", where, verdict));
    if (e.contains("kinds")) {
      for (const json& k : array(e, "kinds", where)) {
        if (!k.is_string()) throw std::runtime_error(where + ": a kind is not a string");
        v.kinds.push_back(k.get<std::string>());
      }
    }
    if (e.contains("crash")) v.crash = text(e, "crash", where);
    if (v.pass != v.kinds.empty()) {
      throw std::runtime_error(fmt::format("{} (seed {}): a failing seed needs its kinds, a passing one has none", where, v.seed));
    }
    if (!in_shard(v.seed, r.range, r.shard)) {
      throw std::runtime_error(fmt::format("{}: seed {} is not in {}", file, v.seed, describe(r.range, r.shard)));
    }
    if (!r.seeds.empty() && v.seed <= r.seeds.back().seed) {
      throw std::runtime_error(fmt::format("{}: seed {} is out of order or listed twice", file, v.seed));
    }
    r.seeds.push_back(std::move(v));
  }
  if (r.seeds.size() != shard_size(r.range, r.shard)) {
    throw std::runtime_error(fmt::format("{}: {} results, but {} has {} seeds (an unfinished or cut sweep?)", file,
                                         r.seeds.size(), describe(r.range, r.shard), shard_size(r.range, r.shard)));
  }
  return r;
}

SweepResult merge_shards(const std::vector<SweepResult>& shards, const std::vector<std::string>& files) {
  if (shards.empty()) throw std::runtime_error("nothing to merge");
  const SweepResult& first = shards.front();
  const std::uint64_t count = first.shard.count;
  std::vector<std::string> owner(count);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const SweepResult& s = shards[i];
    const auto differs = [&](const char* what, const std::string& a, const std::string& b) {
      return std::runtime_error(fmt::format("{} and {} are not shards of one sweep: {} {} and {}", files.front(),
                                            files[i], what, a, b));
    };
    if (s.scenario_digest != first.scenario_digest) {
      throw differs("different scenarios:", first.scenario + " (" + first.scenario_digest + ")",
                    s.scenario + " (" + s.scenario_digest + ")");
    }
    if (s.image != first.image) {
      throw differs("different images:", first.image.empty() ? "(default)" : first.image,
                    s.image.empty() ? "(default)" : s.image);
    }
    if (s.range != first.range) {
      throw differs("different seed ranges:", fmt::format("{}..{}", first.range.first, first.range.last),
                    fmt::format("{}..{}", s.range.first, s.range.last));
    }
    if (s.shard.count != count) {
      throw differs("different shard counts:", std::to_string(count), std::to_string(s.shard.count));
    }
    if (!owner[s.shard.index].empty()) {
      throw std::runtime_error(fmt::format("shard {}/{} is given twice: {} and {}", s.shard.index, count,
                                           owner[s.shard.index], files[i]));
    }
    owner[s.shard.index] = files[i];
  }
  std::vector<std::string> missing;
  for (std::uint64_t k = 0; k < count && missing.size() < 10; ++k) {
    if (owner[k].empty()) missing.push_back(fmt::format("{}/{}", k, count));
  }
  if (!missing.empty()) {
    throw std::runtime_error(fmt::format("shards missing: {}{} (of {}, {})", join(missing),
                                         shards.size() + missing.size() < count ? ", ..." : "", count,
                                         describe(first.range, Shard{})));
  }
  SweepResult merged{.scenario = first.scenario, .scenario_digest = first.scenario_digest, .image = first.image,
                     .range = first.range, .shard = Shard{}};
  for (const SweepResult& s : shards) {
    merged.seeds.insert(merged.seeds.end(), s.seeds.begin(), s.seeds.end());
    for (const auto& [path, w] : s.worst) fold_worst(merged.worst, path, w);
  }
  std::sort(merged.seeds.begin(), merged.seeds.end(),
            [](const SeedVerdict& a, const SeedVerdict& b) { return a.seed < b.seed; });
  return merged;
}

std::string render_summary(const SweepResult& r) {
  std::string out;
  const std::uint64_t failed = r.failed();
  out += fmt::format("sweep {}, {}: {} run, {} passed, {} failed\n", r.scenario, describe(r.range, r.shard),
                     r.seeds.size(), r.seeds.size() - failed, failed);
  std::map<std::string, std::uint64_t> by_kind;
  for (const SeedVerdict& v : r.seeds) {
    for (const std::string& k : v.kinds) ++by_kind[k];
  }
  // One column width for both tables: the longest name, at least 24.
  std::size_t width = 24;
  for (const auto& [kind, n] : by_kind) width = std::max(width, kind.size());
  for (const auto& [path, w] : r.worst) width = std::max(width, path.size());
  if (!by_kind.empty()) {
    out += "failures by kind (seeds):\n";
    for (const auto& [kind, n] : by_kind) out += fmt::format("  {:<{}} {}\n", kind, width, n);
  }
  if (!r.worst.empty()) {
    out += "worst case per path (max cycles over the seeds, first seed to reach it):\n";
    for (const auto& [path, w] : r.worst) {
      out += fmt::format("  {:<{}} {:>10}  seed {}\n", path, width, w.cycles, w.seed);
    }
  }
  for (const SeedVerdict& v : r.seeds) {
    if (v.pass) continue;
    const std::string why = v.crash.empty() ? join(v.kinds) : fmt::format("crash, {}", v.crash);
    out += fmt::format("seed {}: FAIL ({}); replay: {}\n", v.seed, why, replay_command(r, v.seed));
  }
  return out;
}

sim::JunitSuite junit_suite(const SweepResult& r) {
  sim::JunitSuite suite{.name = fmt::format("sweep {}", r.scenario),
                        .properties = {{"scenario", r.scenario},
                                       {"seeds", fmt::format("{}..{}", r.range.first, r.range.last)},
                                       {"shard", fmt::format("{}/{}", r.shard.index, r.shard.count)}}};
  for (const SeedVerdict& v : r.seeds) {
    sim::JunitCase c{.classname = fmt::format("sweep.{}", r.scenario), .name = fmt::format("seed {}", v.seed)};
    if (!v.pass) {
      c.outcome = sim::JunitCase::Outcome::Failed;
      c.type = join(v.kinds);
      c.message = v.crash.empty() ? join(v.kinds) : fmt::format("crash, {}", v.crash);
      c.text = "replay: " + replay_command(r, v.seed);
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace pristine::cli
