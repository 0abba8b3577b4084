#include "sim/report_junit.h"

#include <fmt/format.h>

#include <algorithm>


namespace pristine::sim {
namespace {

JunitCase violation_case(const std::string& classname, const std::string& kind, const std::vector<Violation>& all) {
  JunitCase c{classname, kind};
  for (const Violation& v : all) {
    if (v.kind != kind) continue;
    if (c.outcome == JunitCase::Outcome::Passed) {
      c.outcome = JunitCase::Outcome::Failed;
      c.type = kind;
      c.message = v.message;
    }
    c.text += v.message;
    if (!v.symbol.empty()) c.text += " at " + v.symbol;
    if (v.at_cycle) c.text += fmt::format(" (cycle {})", *v.at_cycle);
    c.text += '\n';
    for (const std::string& frame : v.call_chain) c.text += "    " + frame + '\n';
  }
  return c;
}

}  // namespace

JunitSuite junit_suite(const Report& r) {
  JunitSuite suite{fmt::format("sim {} seed {}", r.scenario, r.seed),
                   {{"scenario", r.scenario},
                    {"seed", fmt::to_string(r.seed)},
                    {"cpus", fmt::to_string(r.cpus)},
                    {"end", r.end},
                    {"verdict", r.pass() ? "pass" : "fail"}},
                   {}};
  const std::string paths = fmt::format("sim.{}.paths", r.scenario);
  for (const HandlerReport& h : r.handlers) {
    JunitCase c{paths, h.name};
    if (!h.within_budget()) {
      c.outcome = JunitCase::Outcome::Failed;
      c.type = "budget";
      c.message = fmt::format("{} took {} modeled cycles (worst case, nested handlers excluded), budget {}", h.name,
                              h.cycles_exclusive.max, h.budget);
      c.text = fmt::format("{} runs; cycles min {} p50 {} p99 {} max {}\n", h.count, h.cycles_exclusive.min,
                           h.cycles_exclusive.p50, h.cycles_exclusive.p99, h.cycles_exclusive.max);
    }
    suite.cases.push_back(std::move(c));
  }
  const std::string invariants = fmt::format("sim.{}.invariants", r.scenario);
  const std::vector<std::string>& checked = r.invariants_checked;
  for (const std::string& kind : checked) suite.cases.push_back(violation_case(invariants, kind, r.violations));
  // The kinds no end-of-run check raises, in the order first raised.
  std::vector<std::string> others;
  for (const Violation& v : r.violations) {
    if (std::find(checked.begin(), checked.end(), v.kind) == checked.end() &&
        std::find(others.begin(), others.end(), v.kind) == others.end()) {
      others.push_back(v.kind);
    }
  }
  const std::string raised = fmt::format("sim.{}.violations", r.scenario);
  for (const std::string& kind : others) suite.cases.push_back(violation_case(raised, kind, r.violations));
  return suite;
}

}  // namespace pristine::sim
