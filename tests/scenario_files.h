// Files a test reads and the scenario copies it runs: a file's whole text,
// and a scenario file with its run length changed, written to the test
// process's scratch directory (tests/scratch_path.h).
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/scratch_path.h"

namespace pristine::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The scenario file `source` with its `duration_*` line replaced by
// `duration` ("duration_ms = 50", "duration_us = 200"), as scratch file
// `name`. Throws if `source` has no such line: the copy would run as long as
// the original.
inline std::filesystem::path with_duration(const std::filesystem::path& source, const std::string& duration,
                                           const std::string& name) {
  std::istringstream in(read_file(source));
  std::string text, line;
  bool replaced = false;
  while (std::getline(in, line)) {
    const bool is_duration = line.rfind("duration_", 0) == 0;
    replaced |= is_duration;
    text += (is_duration ? duration : line) + "\n";
  }
  if (!replaced) throw std::runtime_error(source.string() + " has no duration_* line");
  const std::filesystem::path path = scratch_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace pristine::testing
