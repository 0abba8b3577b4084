// The text report's tables (sim/report.cpp): columns as wide as their
// content, so a long path or task name never shifts the figures.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sim/report.h"

namespace pristine::sim {
namespace {

std::vector<std::string> lines_between(const std::string& text, const std::string& first, const std::string& stop) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind(first, 0) == 0) inside = true;
    if (inside && !stop.empty() && line.rfind(stop, 0) == 0) break;
    if (inside) {
      if (line.empty()) break;
      lines.push_back(line);
    }
  }
  return lines;
}

TEST(ReportText, HandlerColumnsAreAsWideAsTheLongestNameAndTheLargestCount) {
  Report r;
  r.cpu_hz = 2'000'000'000;
  HandlerReport shortname{.name = "timer", .vector = 0xEC, .count = 3, .budget = 1000};
  HandlerReport longname{.name = "syscall/channel_receive_block+switch", .count = 12'345'678'901, .budget = 1000};
  r.handlers = {shortname, longname};
  r.tasks = {TaskReport{.name = "a-task-with-a-rather-long-name"}, TaskReport{.name = "t"}};
  const std::string text = render_text(r);
  const auto table = lines_between(text, "handler", "");
  ASSERT_EQ(table.size(), 3u) << text;
  const std::size_t bar = table[0].find('|');
  for (const std::string& line : table) {
    EXPECT_EQ(line.find('|'), bar) << text;
  }
  EXPECT_NE(table[2].find("syscall/channel_receive_block+switch "), std::string::npos) << text;
  EXPECT_NE(table[2].find(" 12345678901 |"), std::string::npos) << text;
  const auto tasks = lines_between(text, "task ", "");
  ASSERT_EQ(tasks.size(), 3u) << text;
  const std::size_t progress_end = tasks[0].find("progress") + std::string("progress").size();
  // The progress figures (right-aligned under "progress") end where its title does.
  for (const std::string& line : tasks) {
    ASSERT_GT(line.size(), progress_end) << text;
    EXPECT_NE(line[progress_end - 1], ' ') << text;
    EXPECT_EQ(line[progress_end], ' ') << text;
  }
}

}  // namespace
}  // namespace pristine::sim
