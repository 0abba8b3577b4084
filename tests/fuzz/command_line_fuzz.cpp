// Fuzz target: the PC kernel's command-line parser (core/boot/command_line.cpp),
// compiled for the host. The input is the command line, exactly its bytes (no
// NUL added: a read past the end is a sanitizer report). Beyond not crashing,
// every result must be within the documented bounds, every notice must name a
// word of the input, and the result written back as a command line must parse
// to the same result without a notice.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/program_registry.h"
#include "core/boot/command_line.h"

namespace {

using pristine::BootTask;
using pristine::UserProgram;
using pristine::boot::CommandLine;

const char* g_input_begin = nullptr;
const char* g_input_end = nullptr;
unsigned g_notices = 0;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "command_line_fuzz: %s\n", what);
  std::abort();
}

void notice(const char* what, const char* word, std::size_t length) {
  if (!what || what[0] == '\0') fail("a notice without a message");
  if (word < g_input_begin || word + length > g_input_end || length == 0) fail("a notice naming no word of the input");
  ++g_notices;
}

const char* program_name(UserProgram p) {
  const pristine::ProgramInfo* info = pristine::program_info(p);
  return info ? info->name : nullptr;
}

void check_bounds(const CommandLine& line) {
  if (line.run_us > pristine::boot::kMaxRunSeconds * 1'000'000) fail("run past kMaxRunSeconds");
  if (line.tick_hz == 0 || line.tick_hz > pristine::boot::kMaxTickHz) fail("tick rate out of range");
  if (line.cpus == 0 || line.cpus > pristine::kMaxCpus) fail("CPU count out of range");
  if (line.task_count > pristine::kMaxBootTasks) fail("too many tasks");
  for (std::uint32_t i = 0; i < line.task_count; ++i) {
    const BootTask& t = line.tasks[i];
    const std::size_t name_length = strnlen(t.name, sizeof t.name);
    if (name_length == 0 || name_length == sizeof t.name) fail("task name empty or not terminated");
    if (!program_name(t.program)) fail("task program unknown");
    if (t.priority > pristine::kMaxPriority) fail("task priority out of range");
    if (t.cpu != pristine::kAnyCpu && t.cpu >= line.cpus) fail("task pinned to a CPU that does not run");
    if (t.program == UserProgram::Sleeper && t.arg > pristine::boot::kMaxSleepNanoseconds) fail("sleep past the bound");
    if (t.program == UserProgram::Pinger && (t.arg >= line.task_count || t.arg == i)) fail("pinger without a partner");
  }
}

std::string format(const CommandLine& line) {
  std::string text = "seconds=" + std::to_string(line.run_us / 1'000'000);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06llu", static_cast<unsigned long long>(line.run_us % 1'000'000));
  text += fraction;
  text += " tick=" + std::to_string(line.tick_hz) + " cpus=" + std::to_string(line.cpus);
  if (line.icount) text += " icount";
  for (std::uint32_t i = 0; i < line.task_count; ++i) {
    const BootTask& t = line.tasks[i];
    text += std::string(" task=") + t.name + ":" + program_name(t.program) + ":" + std::to_string(t.priority) + ":" +
            std::to_string(t.arg);
    if (t.cpu != pristine::kAnyCpu) {
      text += ':';  // two appends: GCC 12 warns (-Wrestrict, wrongly) on ":" + a string
      text += std::to_string(t.cpu);
    }
  }
  return text;
}

bool same(const CommandLine& a, const CommandLine& b) {
  if (a.run_us != b.run_us || a.tick_hz != b.tick_hz || a.cpus != b.cpus || a.icount != b.icount ||
      a.task_count != b.task_count) {
    return false;
  }
  for (std::uint32_t i = 0; i < a.task_count; ++i) {
    const BootTask& x = a.tasks[i];
    const BootTask& y = b.tasks[i];
    if (std::strcmp(x.name, y.name) != 0 || x.program != y.program || x.priority != y.priority || x.arg != y.arg ||
        x.cpu != y.cpu) {
      return false;
    }
  }
  return true;
}

CommandLine parse(const std::vector<char>& text) {
  g_input_begin = text.data();
  g_input_end = text.data() + text.size();
  return pristine::boot::parse_command_line(text.data(), text.size(), notice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Its own heap block of exactly `size` bytes: AddressSanitizer sees a read past it.
  const std::vector<char> input(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size);
  g_notices = 0;
  const CommandLine line = parse(input);
  check_bounds(line);

  const std::string written = format(line);
  const std::vector<char> again_text(written.begin(), written.end());
  g_notices = 0;
  const CommandLine again = parse(again_text);
  if (g_notices != 0) fail("the result written back draws a notice");
  if (!same(line, again)) fail("the result written back parses differently");
  return 0;
}
