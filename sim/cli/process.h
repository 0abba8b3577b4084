// Running other programs from the CLI (the benchmark binary, git): argv
// vectors, never a shell.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pristine::cli {

// Run `argv` with this process's standard output and error; its exit status,
// or -1 if it could not be started or died of a signal.
int run_process(const std::vector<std::string>& argv);

// Run `argv` and return its standard output if it exits with status 0.
std::optional<std::string> capture_process(const std::vector<std::string>& argv);

}  // namespace pristine::cli
