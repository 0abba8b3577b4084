// A path in the temporary directory for one test process's files. ctest runs
// every test case as its own process, two or more at a time, so a fixed name
// would be one file shared by cases that write and read it at once; the
// process id keeps each case's files its own.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace pristine::testing {

inline std::filesystem::path scratch_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("pristine-" + std::to_string(getpid()) + "-" + name);
}

}  // namespace pristine::testing
