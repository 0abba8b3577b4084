// The PC kernel's command-line parser (core/boot/command_line.cpp), on the
// host. Each bug the fuzzer and review found in the parser that board_init.cpp
// carried before has a test here: on that parser every one of them misbehaved
// silently (a wrapped number, a run that became endless, a pin that vanished).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/boot/command_line.h"

namespace {

using pristine::kAnyCpu;
using pristine::UserProgram;
using pristine::boot::CommandLine;

std::vector<std::string> g_notices;

void collect(const char* what, const char* word, std::size_t length) {
  g_notices.push_back(std::string(what) + ": " + std::string(word, length));
}

CommandLine parse(const std::string& text) {
  g_notices.clear();
  return pristine::boot::parse_command_line(text.data(), text.size(), collect);
}

constexpr std::uint64_t kMaxRunUs = pristine::boot::kMaxRunSeconds * 1'000'000;

TEST(PcCommandLine, TheLinesPristineBootWritesParseWithoutANotice) {
  const CommandLine line = parse(
      "seconds=0.25 cpus=4 tick=4000 task=hi:counter:2:0 task=nap:sleeper:0:2000000:3 task=ping:pinger:1:3 "
      "task=pong:pinger:1:2 icount");
  EXPECT_TRUE(g_notices.empty()) << g_notices.front();
  EXPECT_EQ(line.run_us, 250'000u);
  EXPECT_EQ(line.cpus, 4u);
  EXPECT_EQ(line.tick_hz, 4000u);
  EXPECT_TRUE(line.icount);
  ASSERT_EQ(line.task_count, 4u);
  EXPECT_STREQ(line.tasks[0].name, "hi");
  EXPECT_EQ(line.tasks[0].priority, 2u);
  EXPECT_EQ(line.tasks[0].cpu, kAnyCpu);
  EXPECT_EQ(line.tasks[1].program, UserProgram::Sleeper);
  EXPECT_EQ(line.tasks[1].arg, 2'000'000u);
  EXPECT_EQ(line.tasks[1].cpu, 3u);
  EXPECT_EQ(line.tasks[2].arg, 3u);
  EXPECT_EQ(line.tasks[3].arg, 2u);
}

// The fuzzer's seeds: what `pristine boot` writes for every shipped scenario.
TEST(PcCommandLine, EveryShippedScenarioLineParsesWithoutANotice) {
  unsigned lines = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PRISTINE_SOURCE_DIR "/tests/fuzz/corpus/command_line")) {
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const CommandLine line = parse(text);
    EXPECT_TRUE(g_notices.empty()) << entry.path() << ": " << g_notices.front();
    EXPECT_EQ(line.task_count == 0, text.find("task=") == std::string::npos) << entry.path();
    ++lines;
  }
  EXPECT_GE(lines, 10u);
}

TEST(PcCommandLine, AnEmptyLineKeepsTheDefaults) {
  const CommandLine line = parse("");
  EXPECT_TRUE(g_notices.empty());
  EXPECT_EQ(line.run_us, 1'000'000u);
  EXPECT_EQ(line.tick_hz, 1000u);
  EXPECT_EQ(line.cpus, 1u);
  EXPECT_EQ(line.task_count, 0u);
}

// Was: parse_number(S) * 1'000'000 wrapped: 18446744073710 s ran for 0.45 s.
TEST(PcCommandLine, SecondsTimesAMillionNoLongerWraps) {
  EXPECT_EQ(parse("seconds=18446744073710").run_us, kMaxRunUs);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: parse_number itself wrapped past 2^64.
TEST(PcCommandLine, ANumberPast64BitsIsClampedNotWrapped) {
  EXPECT_EQ(parse("seconds=100000000000000000000").run_us, kMaxRunUs);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("tick=4294967297").tick_hz, pristine::boot::kMaxTickHz);  // was 1 Hz (truncated to 32 bits)
  EXPECT_EQ(g_notices.size(), 1u);
}

TEST(PcCommandLine, ARunPastTheLimitIsClampedToIt) {
  EXPECT_EQ(parse("seconds=1000000").run_us, kMaxRunUs);
  EXPECT_TRUE(g_notices.empty());
  EXPECT_EQ(parse("seconds=1000000.5").run_us, kMaxRunUs);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: anything not a number read as 0, which means "run forever".
TEST(PcCommandLine, SecondsThatAreNotANumberAreRefusedNotForever) {
  for (const char* text : {"seconds=abc", "seconds=", "seconds=1e3", "seconds=-1", "seconds=1.", "seconds=.",
                           "seconds=1.2.3", "seconds=0x10"}) {
    EXPECT_EQ(parse(text).run_us, 1'000'000u) << text;
    EXPECT_EQ(g_notices.size(), 1u) << text;
  }
  EXPECT_EQ(parse("seconds=.5").run_us, 500'000u);
  EXPECT_EQ(parse("seconds=0").run_us, 0u);  // forever, as documented
  EXPECT_TRUE(g_notices.empty());
}

// Was: digits past the sixth decimal were dropped, so 0.0000001 ran forever.
TEST(PcCommandLine, ARunBelowAMicrosecondIsRaisedNotForever) {
  EXPECT_EQ(parse("seconds=0.0000001").run_us, 1u);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("seconds=1.2345678").run_us, 1'234'567u);
  EXPECT_TRUE(g_notices.empty());
}

// Was: tick=0 and tick=junk became 1000 Hz without a word; tick=2^32 too.
TEST(PcCommandLine, ABadTickRateIsRefusedWithANotice) {
  for (const char* text : {"tick=0", "tick=", "tick=fast", "tick=4294967296x"}) {
    EXPECT_EQ(parse(text).tick_hz, 1000u) << text;
    EXPECT_EQ(g_notices.size(), 1u) << text;
  }
  EXPECT_EQ(parse("tick=2000000").tick_hz, pristine::boot::kMaxTickHz);
  EXPECT_EQ(g_notices.size(), 1u);
}

// line8_hz=: what starts the HPET on line 8 (hw-x86_64/pc/hpet.h); a rate of 0
// or not a number is refused, one past the bound clamped, each with a notice.
TEST(PcCommandLine, ALine8RateIsBoundedWithANotice) {
  EXPECT_EQ(parse("line8_hz=20000").line8_hz, 20000u);
  EXPECT_TRUE(g_notices.empty());
  EXPECT_EQ(parse("").line8_hz, 0u) << "nothing raises line 8 unless asked";
  for (const char* text : {"line8_hz=0", "line8_hz=", "line8_hz=often"}) {
    EXPECT_EQ(parse(text).line8_hz, 0u) << text;
    EXPECT_EQ(g_notices.size(), 1u) << text;
  }
  EXPECT_EQ(parse("line8_hz=1000000").line8_hz, pristine::boot::kMaxLine8Hz);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: cpus=9 passed through (the kernel clamped it silently), cpus=4294967297 became 1.
TEST(PcCommandLine, ACpuCountIsBoundedWithANotice) {
  EXPECT_EQ(parse("cpus=9").cpus, pristine::kMaxCpus);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("cpus=4294967297").cpus, pristine::kMaxCpus);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("cpus=0").cpus, 1u);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: priority 4294967299 truncated to 3, priority 7 passed through.
TEST(PcCommandLine, APriorityPastTheMaximumIsClampedWithANotice) {
  for (const char* text : {"task=a:counter:7:0", "task=a:counter:4294967299:0"}) {
    const CommandLine line = parse(text);
    ASSERT_EQ(line.task_count, 1u) << text;
    EXPECT_EQ(line.tasks[0].priority, pristine::kMaxPriority) << text;
    EXPECT_EQ(g_notices.size(), 1u) << text;
  }
}

// Was: CPU 4294967295 read as kAnyCpu (the pin silently vanished), a pin to a
// CPU that does not run was kept (the kernel then ignored it silently).
TEST(PcCommandLine, APinToACpuThatDoesNotRunIsRefusedOrDroppedWithANotice) {
  EXPECT_EQ(parse("task=a:counter:0:0:4294967295").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("task=a:counter:0:0:8").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
  const CommandLine line = parse("cpus=2 task=a:counter:0:0:3 task=b:counter:0:0:1");
  ASSERT_EQ(line.task_count, 2u);
  EXPECT_EQ(line.tasks[0].cpu, kAnyCpu);
  EXPECT_EQ(line.tasks[1].cpu, 1u);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: fields that were not numbers read as 0, trailing junk was ignored, a
// sixth field was folded into the fifth.
TEST(PcCommandLine, TaskFieldsAreParsedStrictly) {
  for (const char* text : {"task=a:counter:x:0", "task=a:counter:0:y", "task=a:counter:0:0:z", "task=a:counter:1x:0",
                           "task=a:counter:0:0:1:junk", "task=a:counter:0", "task=a:counter::0", "task=a:counter:0:0:",
                           "task=:counter:0:0", "task=a:count:0:0", "task=a:counter-x:0:0"}) {
    EXPECT_EQ(parse(text).task_count, 0u) << text;
    EXPECT_EQ(g_notices.size(), 1u) << text;
  }
}

// Was: truncated to 15 characters without a word; bytes of any value were kept.
TEST(PcCommandLine, ATaskNameIsOneToFifteenPlainCharacters) {
  EXPECT_EQ(parse("task=abcdefghijklmno:counter:0:0").task_count, 1u);
  EXPECT_EQ(parse("task=abcdefghijklmnop:counter:0:0").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse(std::string("task=a\x1b[2J:counter:0:0")).task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: a sleep past the sleep syscall's bound (one day) was accepted; the
// program's sleep then failed with EINVAL on every turn.
TEST(PcCommandLine, ASleepPastOneDayIsRefused) {
  EXPECT_EQ(parse("task=s:sleeper:0:86400000000000").task_count, 1u);
  EXPECT_EQ(parse("task=s:sleeper:0:86400000000001").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
}

// Was: a pinger's partner was any number: itself, or past the tasks (its
// wake then failed and it waited forever).
TEST(PcCommandLine, APingerNeedsAnotherAcceptedTaskAsItsPartner) {
  EXPECT_EQ(parse("task=p:pinger:0:0").task_count, 0u);  // itself
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("task=p:pinger:0:1").task_count, 0u);  // no task 1
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("task=p:pinger:0:99999999999999999999").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
  // Dropping a pinger renumbers the partners after it; its own partner's
  // pinger loses its partner and is dropped too.
  const CommandLine line = parse("task=bad:pinger:0:9 task=a:pinger:0:2 task=b:pinger:0:1");
  ASSERT_EQ(line.task_count, 2u);
  EXPECT_STREQ(line.tasks[0].name, "a");
  EXPECT_EQ(line.tasks[0].arg, 1u);
  EXPECT_EQ(line.tasks[1].arg, 0u);
  EXPECT_EQ(g_notices.size(), 1u);
  EXPECT_EQ(parse("task=a:pinger:0:1 task=b:pinger:0:2 task=c:pinger:0:0:9").task_count, 0u);
  EXPECT_EQ(g_notices.size(), 3u);
}

// Was: task words past the sixteenth were dropped without a word.
TEST(PcCommandLine, TaskWordsPastSixteenAreToldAbout) {
  std::string text;
  for (int i = 0; i < 18; ++i) text += "task=t" + std::to_string(i) + ":counter:0:0 ";
  EXPECT_EQ(parse(text).task_count, pristine::kMaxBootTasks);
  EXPECT_EQ(g_notices.size(), 2u);
}

TEST(PcCommandLine, UnknownWordsAreToldAbout) {
  const CommandLine line = parse("  icounts  console=ttyS0 icount ");
  EXPECT_TRUE(line.icount);
  EXPECT_EQ(g_notices.size(), 2u);
}

// The kernel reads at most kMaxCommandLineLength bytes: the parser never
// reads past the length it is given, NUL or not.
TEST(PcCommandLine, NothingPastTheLengthOrTheFirstNulIsRead) {
  const std::string text = "tick=100 cpus=2";
  g_notices.clear();
  EXPECT_EQ(pristine::boot::parse_command_line(text.data(), 8, collect).tick_hz, 100u);
  EXPECT_EQ(pristine::boot::parse_command_line(text.data(), 7, collect).tick_hz, 10u);
  const std::string with_nul("tick=100\0cpus=2", 15);
  EXPECT_EQ(pristine::boot::parse_command_line(with_nul.data(), with_nul.size(), collect).cpus, 1u);
  EXPECT_TRUE(g_notices.empty());
}

}  // namespace
