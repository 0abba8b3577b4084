#include "sim/cli/scenario_args.h"

#include <fmt/format.h>

namespace pristine::cli {

std::vector<std::string> kernel_args_for(const sim::Scenario& s) {
  std::vector<std::string> args = {fmt::format("tick={}", s.tick_hz)};
  for (const auto& t : s.tasks) {
    const std::uint64_t arg = t.program == UserProgram::Pinger ? t.partner : t.sleep_ns;
    std::string word = fmt::format("task={}:{}:{}:{}", t.name, sim::program_name(t.program), t.priority, arg);
    if (t.cpu) word += fmt::format(":{}", *t.cpu);
    args.push_back(word);
  }
  return args;
}

}  // namespace pristine::cli
