// The program registry (core/program_list.def) is the one list every program
// name and number is made of; these tests fail if a consumer kept its own copy
// that disagrees: the scenario parser, the host writer of the PC command line
// (sim/cli/scenario_args.cpp), the PC kernel's parser, and the images' entry
// symbols.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "core/program_registry.h"
#include "core/boot/command_line.h"
#include "sim/cli/scenario_args.h"
#include "sim/guest_image.h"
#include "sim/scenario.h"

namespace pristine {
namespace {

// A scenario with one task running `info`'s program (and its partner, for a pinger).
std::string scenario_running(const ProgramInfo& info) {
  std::string text = "[scenario]\nname = \"one\"\nduration_ms = 1\n[[task]]\nname = \"t\"\nprogram = \"";
  text += info.name;
  text += "\"\n";
  if (info.arg == ProgramArg::SleepNanoseconds) text += "sleep_us = 100\n";
  if (info.arg == ProgramArg::Number) text += "arg = 9223372036854775807\n";  // the largest: it must survive the trip
  if (info.arg == ProgramArg::PartnerTask) {
    text += "partner = \"p\"\n[[task]]\nname = \"p\"\nprogram = \"pinger\"\npartner = \"t\"\n";
  }
  return text;
}

unsigned g_notices = 0;
void count_notice(const char*, const char*, std::size_t) { ++g_notices; }

TEST(ProgramRegistry, NumbersAreDenseAndNamesUnique) {
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < kProgramCount; ++i) {
    const ProgramInfo& info = kPrograms[i];
    EXPECT_EQ(static_cast<std::uint32_t>(info.program), i);
    EXPECT_EQ(program_info(info.program), &info);
    EXPECT_TRUE(names.insert(info.name).second) << "two programs named " << info.name;
    EXPECT_NE(std::string(info.description), "") << info.name;
    if (info.end == ProgramEnd::Faults) {
      EXPECT_TRUE(info.ring3) << info.name << ": only ring-3 programs fault by design";
    }
  }
  EXPECT_EQ(program_info(static_cast<UserProgram>(kProgramCount)), nullptr);
}

TEST(ProgramRegistry, NamesAreFoundOnlyWhole) {
  EXPECT_EQ(program_named("counter", 7), &kPrograms[0]);
  EXPECT_EQ(program_named("counte", 6), nullptr);
  EXPECT_EQ(program_named("counterx", 8), nullptr);
  EXPECT_EQ(program_named("", 0), nullptr);
}

TEST(ProgramRegistry, EveryProgramRoundTripsThroughTheScenarioParser) {
  for (const ProgramInfo& info : kPrograms) {
    SCOPED_TRACE(info.name);
    EXPECT_EQ(sim::program_name(info.program), std::string(info.name));
    EXPECT_EQ(sim::program_named(info.name), info.program);
    EXPECT_EQ(is_kernel_thread(info.program), !info.ring3);
    EXPECT_EQ(takes_partner(info.program), info.arg == ProgramArg::PartnerTask);
    const sim::Scenario s = sim::parse_scenario(scenario_running(info), "registry.toml");
    ASSERT_FALSE(s.tasks.empty());
    EXPECT_EQ(s.tasks[0].program, info.program);
  }
}

TEST(ProgramRegistry, EveryProgramRoundTripsThroughThePcCommandLine) {
  for (const ProgramInfo& info : kPrograms) {
    SCOPED_TRACE(info.name);
    // What `pristine boot --scenario` writes, read back by the PC kernel's parser.
    const sim::Scenario s = sim::parse_scenario(scenario_running(info), "registry.toml");
    std::string text;
    for (const std::string& word : cli::kernel_args_for(s)) text += word + " ";
    g_notices = 0;
    const boot::CommandLine line = boot::parse_command_line(text.data(), text.size(), count_notice);
    EXPECT_EQ(g_notices, 0u) << text;
    ASSERT_EQ(line.task_count, s.tasks.size()) << text;
    EXPECT_EQ(line.tasks[0].program, info.program) << text;
    EXPECT_EQ(line.tasks[0].arg, s.tasks[0].boot_arg()) << text;
  }
}

// Sources on bare line 8 become the PC's line8_hz= (their mean rate, the
// HPET's: hw-x86_64/pc/hpet.h), read back as such; other lines do not.
TEST(ProgramRegistry, SourcesOnLineEightStartThePcsHpet) {
  auto line8_hz = [](const std::string& sources) {
    const sim::Scenario s = sim::parse_scenario(
        "[scenario]\nname = \"hpet\"\nduration_ms = 1\n[[task]]\nname = \"t\"\nprogram = \"counter\"\n" + sources,
        "hpet.toml");
    std::string text;
    for (const std::string& word : cli::kernel_args_for(s)) text += word + " ";
    g_notices = 0;
    const boot::CommandLine line = boot::parse_command_line(text.data(), text.size(), count_notice);
    EXPECT_EQ(g_notices, 0u) << text;
    return line.line8_hz;
  };
  EXPECT_EQ(line8_hz("[[source]]\nname = \"d\"\nkind = \"poisson\"\nvector = 0x48\nrate_hz = 20000\n"), 20000u);
  EXPECT_EQ(line8_hz("[[source]]\nname = \"d\"\nkind = \"poisson\"\nvector = 0x43\nrate_hz = 20000\n"), 0u);
  EXPECT_EQ(line8_hz("[[source]]\nname = \"a\"\nkind = \"periodic\"\nvector = 0x48\nperiod_us = 100\n"
                     "[[source]]\nname = \"b\"\nkind = \"periodic\"\nvector = 0x48\nperiod_us = 50\n"),
            30000u)
      << "two sources on the line: their rates add";
  EXPECT_EQ(line8_hz("[[source]]\nname = \"d\"\nkind = \"periodic\"\nvector = 0x48\nperiod_cycles = 1000\n"),
            boot::kMaxLine8Hz)
      << "2 MHz is clamped to the PC's bound";
}

// The scenario reference names every program a scenario may run.
TEST(ProgramRegistry, TheScenarioDocsNameEveryProgram) {
  std::ifstream file(std::string(PRISTINE_SOURCE_DIR) + "/docs/scenarios.md");
  ASSERT_TRUE(file) << "docs/scenarios.md";
  std::string row;
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("| `program` |", 0) == 0) row = line;
  }
  ASSERT_FALSE(row.empty()) << "docs/scenarios.md has no `program` row";
  for (const ProgramInfo& info : kPrograms) {
    EXPECT_NE(row.find(std::string("`") + info.name + "`"), std::string::npos)
        << "docs/scenarios.md's `program` row does not name " << info.name;
  }
}

// Every ring-3 program's entry symbol is in both images, in the user region.
TEST(ProgramRegistry, EveryRing3EntryIsInTheImages) {
  struct Entry {
    const char* program;
    const char* symbol;
  };
  constexpr Entry kEntries[] = {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) {name, #entry},
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description)
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
  };
  for (const char* image : {"/images/sim-kernel.elf", "/images/kernel.elf"}) {
    const sim::GuestImage guest = sim::GuestImage::load(std::string(PRISTINE_BUILD_DIR) + image);
    const VirtAddr start = guest.symbol("__user_start");
    const VirtAddr end = guest.symbol("__user_end");
    for (const Entry& e : kEntries) {
      const auto address = guest.find_symbol(e.symbol);
      ASSERT_TRUE(address.has_value()) << image << ": no " << e.symbol << " for " << e.program;
      EXPECT_TRUE(*address >= start && *address < end) << image << ": " << e.symbol << " outside the user region";
    }
  }
}

}  // namespace
}  // namespace pristine
