// The command line's strict number parser and its one writer of output files
// (sim/cli/numbers.h, sim/cli/output_file.h), as functions.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/cli/numbers.h"
#include "sim/cli/output_file.h"
#include "sim/cli/process.h"

namespace pristine::cli {
namespace {

namespace fs = std::filesystem;

// ---- numbers ----

TEST(CliNumbers, WholeNumbersAreDecimalDigitsWithinTheRange) {
  std::string why;
  EXPECT_EQ(parse_whole_number("0", 0, UINT64_MAX, why), 0u);
  EXPECT_EQ(parse_whole_number("42", 0, UINT64_MAX, why), 42u);
  EXPECT_EQ(parse_whole_number("007", 0, UINT64_MAX, why), 7u);
  EXPECT_EQ(parse_whole_number("18446744073709551615", 0, UINT64_MAX, why), UINT64_MAX);
  EXPECT_EQ(parse_whole_number("8", 1, 8, why), 8u);
}

TEST(CliNumbers, WholeNumbersRefuseEverythingElseSayingWhy) {
  for (const char* text : {"", "-1", "+1", " 1", "1 ", "\t1", "1\n", "1e3", "12abc", "0x10", "1.0", "1,000", "2^64",
                           "18446744073709551616", "99999999999999999999999", "inf", "nan", "one"}) {
    std::string why;
    EXPECT_FALSE(parse_whole_number(text, 0, UINT64_MAX, why).has_value()) << '"' << text << '"';
    EXPECT_NE(why.find("expected a whole number from 0 to 18446744073709551615"), std::string::npos) << why;
  }
  for (const char* text : {"0", "9", "100"}) {
    std::string why;
    EXPECT_FALSE(parse_whole_number(text, 1, 8, why).has_value()) << text;
    EXPECT_NE(why.find("out of range"), std::string::npos) << why;
  }
  std::string why;
  EXPECT_FALSE(parse_whole_number(std::string("1\0" "2", 3), 0, 100, why).has_value());
  EXPECT_NE(why.find("\\x00"), std::string::npos) << "an unprintable byte is shown, not sent to the terminal: " << why;
}

TEST(CliNumbers, DecimalNumbersAllowOneFractionAndNothingElse) {
  std::string why;
  EXPECT_DOUBLE_EQ(parse_decimal_number("0.25", 0.001, 600, why).value_or(-1), 0.25);
  EXPECT_DOUBLE_EQ(parse_decimal_number("1", 0.001, 600, why).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(parse_decimal_number(".5", 0.001, 600, why).value_or(-1), 0.5);
  EXPECT_DOUBLE_EQ(parse_decimal_number("600", 0.001, 600, why).value_or(-1), 600);
  EXPECT_DOUBLE_EQ(parse_decimal_number("0.001", 0.001, 600, why).value_or(-1), 0.001);
  for (const char* text : {"", ".", "-1", "+1", " 1", "1 ", "1e-3", "1E2", "inf", "nan", "infinity", "0x1p3", "1.2.3",
                           "1,5", "0.0001", "600.5", "1" "000000000000000000000000000000000000000000000000000"}) {
    EXPECT_FALSE(parse_decimal_number(text, 0.001, 600, why).has_value()) << '"' << text << '"';
    EXPECT_NE(why.find("expected a decimal number from 0.001 to 600"), std::string::npos) << why;
  }
}

TEST(CliNumbers, AFlagRefusesABadNumberNamingTheFlag) {
  CLI::App app;
  std::uint64_t seed = 7;
  add_whole_number_option(app, "--seed", 0, UINT64_MAX, [&seed](std::uint64_t v) { seed = v; }, "seed");
  for (const char* bad : {"-1", "", "18446744073709551616", "1e3", "12abc", " 5"}) {
    std::vector<std::string> args = {bad, "--seed"};  // CLI11 reads them back to front
    try {
      app.parse(args);
      ADD_FAILURE() << '"' << bad << "\" accepted as " << seed;
    } catch (const CLI::ParseError& e) {
      EXPECT_NE(std::string(e.what()).find("--seed"), std::string::npos) << e.what();
    }
    app.clear();
  }
  std::vector<std::string> args = {"18446744073709551615", "--seed"};
  app.parse(args);
  EXPECT_EQ(seed, UINT64_MAX);
}

// ---- output files ----

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pristine-output-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path dir_;
};

TEST_F(OutputFile, WritesTheWholeTextAndLeavesNoTemporaryFile) {
  const fs::path file = dir_ / "report.json";
  EXPECT_EQ(output_path_problem(file.string()), "");
  EXPECT_EQ(entries(), std::vector<std::string>{}) << "the check leaves nothing behind";
  EXPECT_EQ(write_output(file.string(), "{}\n"), "");
  EXPECT_EQ(read(file), "{}\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.json"});
}

TEST_F(OutputFile, ABareFileNameIsWrittenInTheWorkingDirectory) {
  const fs::path before = fs::current_path();
  fs::current_path(dir_);
  const std::string problem = output_path_problem("report.json");
  const std::string written = write_output("report.json", "{}\n");
  fs::current_path(before);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(written, "");
  EXPECT_EQ(read(dir_ / "report.json"), "{}\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.json"});
}

TEST_F(OutputFile, ReplacesAnEarlierFileByARenameAndKeepsASymbolicLink) {
  const fs::path file = dir_ / "report.json";
  std::ofstream(file) << "old";
  struct stat before{};
  ASSERT_EQ(stat(file.c_str(), &before), 0);
  EXPECT_EQ(write_output(file.string(), "new"), "");
  struct stat after{};
  ASSERT_EQ(stat(file.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino) << "a new file renamed into place, not the old one truncated";
  EXPECT_EQ(read(file), "new");

  const fs::path link = dir_ / "latest.json";
  fs::create_symlink(file, link);
  EXPECT_EQ(write_output(link.string(), "newer"), "");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(file), "newer");
  EXPECT_EQ(entries(), (std::vector<std::string>{"latest.json", "report.json"}));
}

TEST_F(OutputFile, PathsThatCannotTakeAFileAreRefusedUpFront) {
  EXPECT_NE(output_path_problem(""), "");
  EXPECT_NE(output_path_problem(dir_.string()).find("is a directory"), std::string::npos);
  EXPECT_NE(output_path_problem((dir_ / "new").string() + "/"), "");
  EXPECT_NE(output_path_problem((dir_ / "missing" / "report.json").string()).find("no such directory"),
            std::string::npos);
  std::ofstream(dir_ / "plain") << "x";
  EXPECT_NE(output_path_problem((dir_ / "plain" / "report.json").string()).find("not a directory"), std::string::npos);
  // No file can be created in /proc, not even by root.
  EXPECT_NE(output_path_problem("/proc/pristine-report.json").find("cannot create a file there"), std::string::npos);
  EXPECT_EQ(output_path_problem("/dev/null"), "");
  EXPECT_EQ(output_path_problem("/dev/full"), "") << "a full device is only found by writing to it";
  EXPECT_EQ(entries(), std::vector<std::string>{"plain"});
}

TEST_F(OutputFile, AnUnwritableDirectoryIsRefused) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into a read-only directory; /proc covers the refusal";
  const fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_NE(output_path_problem((locked / "report.json").string()).find("cannot create a file there"),
            std::string::npos);
  fs::permissions(locked, fs::perms::owner_all);
}

TEST_F(OutputFile, DevicesAreWrittenInPlaceAndEveryWriteIsChecked) {
  EXPECT_EQ(write_output("/dev/null", "text"), "");
  const std::string why = write_output("/dev/full", "text");
  EXPECT_NE(why.find("No space left on device"), std::string::npos) << why;
  EXPECT_TRUE(fs::is_character_file("/dev/full")) << "never replaced by a rename";
  EXPECT_EQ(remove_stale_output("/dev/null"), "");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(OutputFile, StaleReportsAreRemoved) {
  const fs::path file = dir_ / "report.json";
  EXPECT_EQ(remove_stale_output(file.string()), "") << "nothing to remove is fine";
  std::ofstream(file) << "an earlier run";
  EXPECT_EQ(remove_stale_output(file.string()), "");
  EXPECT_FALSE(fs::exists(file));
}

// A write that fails half-way (here: the file-size limit, EFBIG after the
// first KiB) leaves the earlier file as it was and no partial or temporary
// file. Run in a child: the limit is per process.
TEST_F(OutputFile, AWriteThatFailsHalfWayLeavesNoPartialFile) {
  const fs::path file = dir_ / "report.json";
  std::ofstream(file) << "the earlier report";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1024, 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    const std::string why = write_output(file.string(), std::string(64 * 1024, 'x'));
    _exit(why.find("File too large") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the write failed with EFBIG and said so";
  EXPECT_EQ(read(file), "the earlier report");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.json"});
}

TEST_F(OutputFile, AStagedFileIsPutInPlaceOnlyOnCommit) {
  const fs::path file = dir_ / "bench.json";
  {
    StagedOutput staged(file.string());
    EXPECT_EQ(fs::path(staged.temporary()).parent_path(), fs::canonical(dir_)) << "beside the target: a rename";
    std::ofstream(staged.temporary()) << "half";
  }
  EXPECT_EQ(entries(), std::vector<std::string>{}) << "not committed: the temporary file is gone";
  {
    StagedOutput staged(file.string());
    std::ofstream(staged.temporary()) << "whole";
    EXPECT_EQ(staged.commit(), "");
  }
  EXPECT_EQ(read(file), "whole");
  EXPECT_EQ(entries(), std::vector<std::string>{"bench.json"});
  StagedOutput full("/dev/full");
  std::ofstream(full.temporary()) << "whole";
  EXPECT_NE(full.commit().find("No space left on device"), std::string::npos);
  EXPECT_FALSE(fs::exists(full.temporary()));
}

TEST(JsonText, BytesThatAreNotUtf8DoNotThrow) {
  nlohmann::ordered_json j;
  j["symbol"] = std::string("bad\xff\xfe" "name");
  std::string text;
  ASSERT_NO_THROW(text = json_text(j));
  EXPECT_NE(text.find("bad\xef\xbf\xbd"), std::string::npos) << "U+FFFD for each bad byte: " << text;
  EXPECT_EQ(text.back(), '\n');
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(text));
  EXPECT_TRUE(parsed.contains("symbol"));
}


// ---- child processes (QEMU for `pristine boot`, the benchmarks, git) ----------

TEST(ChildProcess, StreamsTheOutputAndReportsTheExitStatus) {
  std::string why;
  std::optional<ChildProcess> child = ChildProcess::start({"printf", "one\ntwo\n"}, why);
  ASSERT_TRUE(child) << why;
  std::string output;
  while (child->read_output(output, 1000)) {
  }
  EXPECT_EQ(output, "one\ntwo\n");
  const ChildProcess::Exit exit = child->wait();
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.status, 0);

  std::optional<ChildProcess> failing = ChildProcess::start({"false"}, why);
  ASSERT_TRUE(failing) << why;
  EXPECT_EQ(failing->wait().status, 1);
}

TEST(ChildProcess, AChildThatNeverEndsIsKilled) {
  std::string why;
  std::optional<ChildProcess> child = ChildProcess::start({"yes"}, why);
  ASSERT_TRUE(child) << why;
  std::string output;
  while (output.size() < 4 && child->read_output(output, 1000)) {
  }
  EXPECT_EQ(output.substr(0, 2), "y\n");
  child->kill();
  const ChildProcess::Exit exit = child->wait();
  EXPECT_FALSE(exit.exited) << "ended by SIGKILL";
}

TEST(ChildProcess, AProgramThatDoesNotExistIsRefusedSayingWhy) {
  std::string why;
  EXPECT_FALSE(ChildProcess::start({"pristine-no-such-program"}, why));
  EXPECT_NE(why.find("No such file"), std::string::npos) << why;
  EXPECT_FALSE(capture_process({"pristine-no-such-program"}));
  EXPECT_EQ(run_process({"pristine-no-such-program"}), -1);
  EXPECT_EQ(capture_process({"printf", "x"}), std::optional<std::string>("x"));
}

}  // namespace
}  // namespace pristine::cli
