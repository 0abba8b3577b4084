// JUnit XML (sim/junit_report.h): escaping, counts and determinism of the
// writer, and `pristine sim --junit` as a CI reads it: parsed by Python's XML
// parser (tests/junit_cases.py), a case per path and per invariant, and a
// failing case with the violation's message for a broken kernel image.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "sim/junit_report.h"
#include "tests/run_command.h"

namespace pristine::sim {
namespace {

namespace fs = std::filesystem;
using pristine::testing::pristine;
using pristine::testing::run_command;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(PRISTINE_BUILD_DIR) / "tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// What tests/junit_cases.py read from the file: a line per case, then totals.
pristine::testing::CommandResult cases_of(const fs::path& file) {
  return run_command("python3 " PRISTINE_SOURCE_DIR "/tests/junit_cases.py " + file.string());
}

TEST(JunitWriter, EscapesMarkupQuotesControlCharactersAndBytesThatAreNotUtf8) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'", false), "a&lt;b&gt;&amp;\"c\"'");
  EXPECT_EQ(xml_escape("a<b>&\"c\"'", true), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
  EXPECT_EQ(xml_escape("line\nnext\ttab", true), "line&#10;next&#9;tab");
  EXPECT_EQ(xml_escape("line\nnext", false), "line\nnext");
  EXPECT_EQ(xml_escape(std::string("nul\0bell\x07", 9), false), "nul\xEF\xBF\xBD" "bell\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xff\xfe ok \xc3\xa9 \xe2\x82\xac", false), "\xEF\xBF\xBD\xEF\xBF\xBD ok \xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(xml_escape("\xc0\xaf", false), "\xEF\xBF\xBD\xEF\xBF\xBD") << "an overlong '/' is not UTF-8";
  EXPECT_EQ(xml_escape("\xed\xa0\x80", false), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") << "a surrogate is not UTF-8";
}

TEST(JunitWriter, ADocumentOfHostileTextParsesWithItsCountsAndIsTheSameEveryTime) {
  JunitSuite suite{"suite <1>", {{"seed", "7"}, {"odd", "a\"b\n"}}, {}};
  suite.cases.push_back({"c.paths", "timer", JunitCase::Outcome::Passed});
  suite.cases.push_back({"c.paths", "syscall/getpid+switch", JunitCase::Outcome::Failed, "budget",
                         "took 900 cycles, budget <800> & \"more\"", std::string("details\n\x01\xff]]>\n")});
  suite.cases.push_back({"c.other", "skipped one", JunitCase::Outcome::Skipped, "", "not judged: why"});
  const std::string xml = render_junit("pristine test", {suite, JunitSuite{"empty", {}, {}}});
  EXPECT_EQ(xml, render_junit("pristine test", {suite, JunitSuite{"empty", {}, {}}}));
  const fs::path file = fresh_dir("junit-writer") / "hostile.xml";
  std::ofstream(file) << xml;
  const auto r = cases_of(file);
  ASSERT_EQ(r.status, 0) << r.output << xml;
  EXPECT_NE(r.output.find("c.paths\ttimer\tpassed\t\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("c.paths\tsyscall/getpid+switch\tfailed\ttook 900 cycles, budget <800> & \"more\"\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("c.other\tskipped one\tskipped\tnot judged: why\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("totals 3 1 1\n"), std::string::npos) << r.output;
}

TEST(SimJunit, APassingRunHasAPassingCaseForEveryPathAndEveryEndOfRunInvariant) {
  const fs::path file = fresh_dir("sim-junit-pass") / "quiet.xml";
  const auto run = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --junit " + file.string());
  ASSERT_EQ(run.status, 0) << run.output;
  const auto r = cases_of(file);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("sim.quiet.paths\ttimer+switch\tpassed"), std::string::npos) << r.output;
  for (const char* invariant : {"budget", "no-progress", "tick-starved", "lost-interrupt", "device-data", "starved"}) {
    EXPECT_NE(r.output.find(std::string("sim.quiet.invariants\t") + invariant + "\tpassed"), std::string::npos)
        << invariant << "\n" << r.output;
  }
  EXPECT_EQ(r.output.find("failed"), std::string::npos) << r.output;
}

TEST(SimJunit, ABrokenImageGivesAFailingCaseWithTheViolationsMessage) {
  const fs::path file = fresh_dir("sim-junit-broken") / "lock-in-tick.xml";
  const auto run = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --image " PRISTINE_BUILD_DIR
                            "/images/sim-kernel-broken-lock-in-tick.elf --junit " + file.string());
  ASSERT_EQ(run.status, 1) << run.output;
  const auto r = cases_of(file);
  ASSERT_EQ(r.status, 0) << r.output;
  // The violation's message, as the text report prints it after "VIOLATION waiting-lock: ".
  const auto at = run.output.find("VIOLATION waiting-lock: ");
  ASSERT_NE(at, std::string::npos) << run.output;
  const std::string message = run.output.substr(at + 24, run.output.find(" at ", at) - at - 24);
  EXPECT_NE(r.output.find("sim.quiet.violations\twaiting-lock\tfailed\t" + message), std::string::npos)
      << message << "\n" << r.output;
  EXPECT_NE(r.output.find("sim.quiet.paths\ttimer+switch\t"), std::string::npos) << r.output;
}

TEST(SimJunit, AnUnwritableJunitPathIsRefusedBeforeTheRun) {
  const auto r = pristine("sim " PRISTINE_SOURCE_DIR "/scenarios/quiet.toml --junit /nonexistent-dir/x.xml");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--junit '/nonexistent-dir/x.xml'"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("verdict:"), std::string::npos) << "it ran";
}

}  // namespace
}  // namespace pristine::sim
