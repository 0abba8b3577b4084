// The kernel command line of both boards (command_line.h): every number parsed strictly
// (digits only, overflow refused), every value checked against its bound.
#include "core/boot/command_line.h"

#include "core/drivers/driver_table.h"

#include "core/program_registry.h"
#include "core/boot/command_line_words.h"

namespace pristine::boot {
namespace {

// A piece of the text: [begin, end).
struct Span {
  const char* begin;
  const char* end;

  std::size_t size() const { return static_cast<std::size_t>(end - begin); }
  bool is(const char* word) const {
    const char* s = begin;
    while (s < end && *word && *s == *word) {
      ++s;
      ++word;
    }
    return s == end && *word == '\0';
  }
  // If the span starts with `prefix`, the rest of it.
  bool after(const char* prefix, Span& rest) const {
    const char* s = begin;
    while (*prefix) {
      if (s == end || *s != *prefix) return false;
      ++s;
      ++prefix;
    }
    rest = {s, end};
    return true;
  }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Plain decimal digits, the whole span, at most `max`. False if empty, not
// digits, or past `max` (`over` then says so, with `value` = max).
bool parse_number(Span s, std::uint64_t max, std::uint64_t& value, bool& over) {
  over = false;
  if (s.begin == s.end) return false;
  std::uint64_t v = 0;
  for (const char* c = s.begin; c < s.end; ++c) {
    if (!is_digit(*c)) return false;
    const auto digit = static_cast<std::uint64_t>(*c - '0');
    if (!over && (v > max / 10 || digit > max - v * 10)) over = true;
    if (!over) v = v * 10 + digit;
  }
  value = over ? max : v;
  return true;
}

struct Parser {
  CommandLineNotice notice;

  void tell(const char* what, Span word) const {
    if (notice) notice(what, word.begin, word.size());
  }

  // `seconds=S[.FFFFFF]`: microseconds.
  void seconds(Span word, Span value, CommandLine& line) const {
    const char* dot = value.begin;
    while (dot < value.end && *dot != '.') ++dot;
    std::uint64_t whole = 0;
    bool over = false;
    const bool whole_ok = dot == value.begin ? dot < value.end : parse_number({value.begin, dot}, kMaxRunSeconds, whole, over);
    std::uint64_t fraction_us = 0;
    bool fraction_nonzero = false;
    bool fraction_ok = true;
    if (dot < value.end) {
      const char* c = dot + 1;
      if (c == value.end) fraction_ok = false;
      for (std::uint64_t scale = 100'000; c < value.end; ++c, scale /= 10) {
        if (!is_digit(*c)) {
          fraction_ok = false;
          break;
        }
        fraction_us += static_cast<std::uint64_t>(*c - '0') * scale;
        fraction_nonzero = fraction_nonzero || *c != '0';
      }
    }
    if (!whole_ok || !fraction_ok) return tell("ignoring seconds= that is not a decimal number", word);
    if (over || (whole == kMaxRunSeconds && fraction_us != 0)) {
      line.run_us = kMaxRunSeconds * 1'000'000;
      return tell("seconds= past the limit of 1000000 s: clamped to it", word);
    }
    line.run_us = whole * 1'000'000 + fraction_us;
    if (line.run_us == 0 && fraction_nonzero) {
      line.run_us = 1;
      tell("seconds= below one microsecond (not 0, which runs forever): raised to 0.000001", word);
    }
  }

  void tick(Span word, Span value, CommandLine& line) const {
    std::uint64_t hz = 0;
    bool over = false;
    if (!parse_number(value, kMaxTickHz, hz, over)) return tell("ignoring tick= that is not a number", word);
    if (hz == 0) return tell("ignoring tick=0: the tick rate must be at least 1 Hz", word);
    line.tick_hz = static_cast<std::uint32_t>(hz);
    if (over) tell("tick= past the limit of 1000000 Hz: clamped to it", word);
  }

  void cpus(Span word, Span value, CommandLine& line) const {
    std::uint64_t n = 0;
    bool over = false;
    if (!parse_number(value, kMaxCpus, n, over)) return tell("ignoring cpus= that is not a number", word);
    if (n == 0) return tell("ignoring cpus=0: at least one CPU runs", word);
    line.cpus = static_cast<std::uint32_t>(n);
    if (over) tell("cpus= past the 8 CPUs the kernel supports: clamped to 8", word);
  }

  void line8_hz(Span word, Span value, CommandLine& line) const {
    std::uint64_t hz = 0;
    bool over = false;
    if (!parse_number(value, kMaxLine8Hz, hz, over)) return tell("ignoring line8_hz= that is not a number", word);
    if (hz == 0) return tell("ignoring line8_hz=0: leave the word out to keep line 8 quiet", word);
    line.line8_hz = static_cast<std::uint32_t>(hz);
    if (over) tell("line8_hz= past the limit of 100000 Hz: clamped to it", word);
  }

  // driver=NAME: a name of core/drivers/driver_list.def.
  void driver(Span word, Span value, CommandLine& line) const {
    for (std::uint32_t i = 0; i < drivers::kDriverCount; ++i) {
      if (value.is(drivers::kDrivers[i].name)) {
        line.drivers |= std::uint32_t{1} << i;
        return;
      }
    }
    tell("ignoring driver= that names no driver of the kernel", word);
  }

  // NAME:PROGRAM:PRIORITY:ARG[:CPU]. False (told) if refused.
  bool task(Span word, Span value, BootTask& task) const {
    Span field[5] = {};
    unsigned n = 0;
    const char* start = value.begin;
    for (const char* c = value.begin;; ++c) {
      if (c == value.end || *c == ':') {
        if (n == 5) return tell("ignoring task= with more than five fields", word), false;
        field[n++] = {start, c};
        start = c + 1;
        if (c == value.end) break;
      }
    }
    if (n < 4) return tell("ignoring task= without NAME:PROGRAM:PRIORITY:ARG", word), false;

    const Span name = field[0];
    if (name.size() == 0 || name.size() >= kTaskNameLength) {
      return tell("ignoring task= whose name is not 1 to 15 characters", word), false;
    }
    for (const char* c = name.begin; c < name.end; ++c) {
      const bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || is_digit(*c) || *c == '-' || *c == '_';
      if (!ok) return tell("ignoring task= whose name is not of a-z, A-Z, 0-9, '-' and '_'", word), false;
    }

    const ProgramInfo* program = program_named(field[1].begin, field[1].size());
    if (!program) return tell("ignoring task= with an unknown program", word), false;

    std::uint64_t priority = 0;
    bool priority_over = false;
    if (!parse_number(field[2], kMaxPriority, priority, priority_over)) {
      return tell("ignoring task= whose priority is not a number", word), false;
    }

    // A sleep within the sleep syscall's bound; a partner below
    // kMaxBootTasks here, checked against the tasks at the end.
    const std::uint64_t arg_max = program->arg == ProgramArg::SleepNanoseconds ? kMaxSleepNanoseconds
                                  : program->arg == ProgramArg::PartnerTask    ? kMaxBootTasks - 1
                                  : program->arg == ProgramArg::Number         ? kMaxNumberArg
                                                                               : ~std::uint64_t{0};
    std::uint64_t arg = 0;
    bool arg_over = false;
    if (!parse_number(field[3], arg_max, arg, arg_over)) return tell("ignoring task= whose ARG is not a number", word), false;
    if (arg_over) {
      const char* what = program->arg == ProgramArg::SleepNanoseconds ? "ignoring task= sleeper: its sleep is past one day"
                         : program->arg == ProgramArg::PartnerTask    ? "ignoring task= pinger: its partner is not a task"
                         : program->arg == ProgramArg::Number         ? "ignoring task= whose ARG is past 2^63 - 1"
                                                                      : "ignoring task= whose ARG is past 2^64 - 1";
      return tell(what, word), false;
    }

    std::uint64_t cpu = kAnyCpu;
    if (n == 5) {
      bool cpu_over = false;
      if (!parse_number(field[4], kMaxCpus, cpu, cpu_over)) return tell("ignoring task= whose CPU is not a number", word), false;
      if (cpu_over || cpu >= kMaxCpus) return tell("ignoring task= pinned to a CPU past the 8 the kernel supports", word), false;
    }

    unsigned i = 0;
    for (const char* c = name.begin; c < name.end; ++c) task.name[i++] = *c;
    task.name[i] = '\0';
    task.program = program->program;
    task.priority = static_cast<std::uint32_t>(priority);
    task.arg = arg;
    task.cpu = static_cast<std::uint32_t>(cpu);
    task.reserved = 0;
    if (priority_over) tell("task= priority past 3: clamped to 3", word);
    return true;
  }
};

}  // namespace

CommandLine parse_command_line(const char* text, std::size_t length, CommandLineNotice notice) {
  CommandLine line;
  const Parser parser{notice};
  std::size_t size = 0;
  while (size < length && text[size] != '\0') ++size;
  const char* const end = text + size;
  // The words each task= came from, for the notices of the checks at the end.
  Span task_words[kMaxBootTasks] = {};

  for (const char* p = text; p < end;) {
    while (p < end && *p == ' ') ++p;
    if (p == end) break;
    const char* word_end = p;
    while (word_end < end && *word_end != ' ') ++word_end;
    const Span word{p, word_end};
    p = word_end;

    Span value{};
    if (word.after(command_line_word::kSeconds, value)) {
      parser.seconds(word, value, line);
    } else if (word.after(command_line_word::kTick, value)) {
      parser.tick(word, value, line);
    } else if (word.after(command_line_word::kCpus, value)) {
      parser.cpus(word, value, line);
    } else if (word.is(command_line_word::kIcount)) {
      line.icount = true;
    } else if (word.after(command_line_word::kDriver, value)) {
      parser.driver(word, value, line);
    } else if (word.after(command_line_word::kLine8Hz, value)) {
      parser.line8_hz(word, value, line);
    } else if (word.after(command_line_word::kTask, value)) {
      if (line.task_count == kMaxBootTasks) {
        parser.tell("ignoring task= past the 16 tasks the kernel starts", word);
      } else if (parser.task(word, value, line.tasks[line.task_count])) {
        task_words[line.task_count++] = word;
      } else {
        line.tasks[line.task_count] = BootTask{};
      }
    } else {
      parser.tell("ignoring unknown word", word);
    }
  }

  // Checks that need every word: pins against cpus=, partners against the tasks.
  for (std::uint32_t i = 0; i < line.task_count; ++i) {
    BootTask& task = line.tasks[i];
    if (task.cpu != kAnyCpu && task.cpu >= line.cpus) {
      task.cpu = kAnyCpu;
      parser.tell("task= pinned to a CPU past cpus=: not pinned", task_words[i]);
    }
  }
  // A pinger whose partner is not another task is not started; the partners
  // of the tasks after it (indices of accepted task= words) are renumbered.
  for (bool removed = true; removed;) {
    removed = false;
    for (std::uint32_t i = 0; i < line.task_count && !removed; ++i) {
      const BootTask& task = line.tasks[i];
      if (!takes_partner(task.program) || (task.arg < line.task_count && task.arg != i)) continue;
      parser.tell("ignoring task= pinger: its partner is not another task", task_words[i]);
      for (std::uint32_t j = i; j + 1 < line.task_count; ++j) {
        line.tasks[j] = line.tasks[j + 1];
        task_words[j] = task_words[j + 1];
      }
      line.tasks[--line.task_count] = BootTask{};
      for (std::uint32_t j = 0; j < line.task_count; ++j) {
        BootTask& other = line.tasks[j];
        if (!takes_partner(other.program)) continue;
        if (other.arg == i) {
          other.arg = kMaxBootTasks;  // its partner is gone: removed in the next pass
        } else if (other.arg > i && other.arg <= kMaxBootTasks - 1) {
          --other.arg;
        }
      }
      removed = true;
    }
  }
  return line;
}

}  // namespace pristine::boot
