#include "sim/cli/scenario_args.h"

#include <fmt/format.h>

#include "hw-x86_64/pc/command_line_words.h"

namespace pristine::cli {

std::vector<std::string> kernel_args_for(const sim::Scenario& s) {
  namespace word = pc::command_line_word;
  std::vector<std::string> args = {fmt::format("{}{}", word::kTick, s.tick_hz)};
  for (const auto& t : s.tasks) {
    std::string task = fmt::format("{}{}:{}:{}:{}", word::kTask, t.name, sim::program_name(t.program), t.priority, t.boot_arg());
    if (t.cpu) task += fmt::format(":{}", *t.cpu);
    args.push_back(task);
  }
  return args;
}

}  // namespace pristine::cli
