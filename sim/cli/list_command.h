// `pristine list`: the scenario catalogue. One line per scenario file of a
// directory (the shipped scenarios/ by default): its name, CPUs, modeled
// length and the first sentence of the file's opening comment (--verbose:
// the whole comment), so a user finds the scenario to run without opening
// each file. A file that does not load is listed with its error.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace pristine::cli {

struct ListOptions {
  std::filesystem::path directory;
  bool verbose = false;
};

// 0 when every file loaded, 1 when one did not (it is still listed), 2 when
// the directory cannot be read.
int run_list(const ListOptions& options, std::ostream& out);

}  // namespace pristine::cli
