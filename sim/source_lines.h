// Source positions of guest addresses, from the image's DWARF line table
// (elfutils libdw): the file:line a reviewer needs next to a violation.
// The image is untrusted: when it has no DWARF, or libdw cannot use it, every
// lookup finds nothing and reports name functions without file:line
// (docs/input-limits.md). File names are escaped with printable().
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "sim/host_types.h"

namespace pristine::sim {

struct SourceLine {
  std::string file;  // relative to the repository when it lies inside it
  int line = 0;
};

class SourceLines {
 public:
  explicit SourceLines(const std::filesystem::path& image);
  ~SourceLines();
  SourceLines(const SourceLines&) = delete;
  SourceLines& operator=(const SourceLines&) = delete;

  std::optional<SourceLine> find(VirtAddr address) const;

 private:
  struct Dwarf;
  std::unique_ptr<Dwarf> dwarf_;
};

// A C++ symbol name in source form ("pristine::machine::now()"); unchanged if it is not mangled.
// Either way passed through printable().
std::string demangle(const std::string& name);
// The same without its parameter list ("pristine::machine::now"): how
// reports name the function an address is in. A name that is not a mangled
// C++ one is returned as it is (not made printable).
std::string function_name(const std::string& name);

}  // namespace pristine::sim
