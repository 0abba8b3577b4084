// Running the project's command-line tools from a test, as a user would:
// exit status and everything printed (stdout and stderr together).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace pristine::testing {

struct CommandResult {
  int status;          // exit status; -1 if killed by a signal
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// build/bin/pristine ARGS
inline CommandResult pristine(const std::string& args) {
  return run_command(std::string(PRISTINE_BUILD_DIR "/bin/pristine ") + args);
}

}  // namespace pristine::testing
