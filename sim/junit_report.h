// JUnit XML, the test-report format every CI reads (GitLab, Jenkins, GitHub
// test reporters): suites of test cases, each passed, failed (with a message
// and a text) or skipped. One writer for every command that reports this way
// (`pristine sim`, `budget`, `calibrate --junit`; docs/ci-results.md).
//
// The output is deterministic: no timestamps, host names or durations (a
// duration would be the host's wall time; what the cases judge is modeled and
// says so in its messages), cases in the order given. Text is escaped for
// XML 1.0: markup characters become entities, bytes that are not UTF-8 and
// characters XML cannot carry (control characters but tab, newline and
// carriage return) become U+FFFD, so any message parses.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pristine::sim {

struct JunitCase {
  enum class Outcome { Passed, Failed, Skipped };
  std::string classname;  // the group, e.g. "sim.timer-storm.paths"
  std::string name;       // the case, e.g. "timer"
  Outcome outcome = Outcome::Passed;
  std::string type;       // failed: a short kind ("budget", "no-progress")
  std::string message;    // failed or skipped: one line
  std::string text;       // failed: the details, any number of lines
};

struct JunitSuite {
  std::string name;
  std::vector<std::pair<std::string, std::string>> properties;  // name, value
  std::vector<JunitCase> cases;
  std::size_t failures() const;
  std::size_t skipped() const;
};

// The whole document: <testsuites name=...> with each suite and its counts.
std::string render_junit(std::string_view name, const std::vector<JunitSuite>& suites);

// `text` as XML character data or attribute value (quotes escaped as well;
// in an attribute, tab, newline and carriage return as references so they
// survive attribute normalisation).
std::string xml_escape(std::string_view text, bool attribute);

}  // namespace pristine::sim
