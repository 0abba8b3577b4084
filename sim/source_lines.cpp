#include "sim/source_lines.h"

#include <cxxabi.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "sim/printable.h"

namespace pristine::sim {

struct SourceLines::Dwarf {
  int fd = -1;
  ::Dwarf* dbg = nullptr;
  ~Dwarf() {
    if (dbg) dwarf_end(dbg);
    if (fd >= 0) close(fd);
  }
};

SourceLines::SourceLines(const std::filesystem::path& image) : dwarf_(std::make_unique<Dwarf>()) {
  dwarf_->fd = open(image.c_str(), O_RDONLY | O_CLOEXEC);
  if (dwarf_->fd >= 0) dwarf_->dbg = dwarf_begin(dwarf_->fd, DWARF_C_READ);  // null: no DWARF, no lines
}

SourceLines::~SourceLines() = default;

std::optional<SourceLine> SourceLines::find(VirtAddr address) const {
  if (!dwarf_->dbg) return std::nullopt;
  Dwarf_Die cu;
  if (!dwarf_addrdie(dwarf_->dbg, address, &cu)) return std::nullopt;
  Dwarf_Line* line = dwarf_getsrc_die(&cu, address);
  if (!line) return std::nullopt;
  const char* file = dwarf_linesrc(line, nullptr, nullptr);
  int number = 0;
  if (!file || dwarf_lineno(line, &number) != 0) return std::nullopt;
  std::string path = file;
  // The images are built with their source tree mapped to /pristine/
  // (cmake/KernelTarget.cmake): what follows is the path in the repository.
  constexpr std::string_view kRoot = "/pristine/";
  if (path.starts_with(kRoot)) path.erase(0, kRoot.size());
  // The file name comes from the image: escaped before it can reach a report.
  return SourceLine{printable(path), number};
}

std::string demangle(const std::string& name) {
  int status = 0;
  char* plain = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !plain) return printable(name);
  // The demangler re-cuts a (printable) name by its length prefixes: printable again.
  std::string result = printable(plain);
  std::free(plain);
  return result;
}

std::string function_name(const std::string& name) {
  // Not mangled (C, assembly): left as it is, raw bytes and all (the reports
  // make names printable where they print them).
  if (!name.starts_with("_Z")) return name;
  std::string text = demangle(name);
  if (text == name) return text;  // mangled in a way the demangler does not read
  // The last balanced "(...)" with what follows it (" const", "&&"), if the
  // name ends in one: the parameters. "(anonymous namespace)" inside stays.
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] != ')') --end;
  if (end == 0) return text;
  int depth = 0;
  for (std::size_t i = end; i-- > 0;) {
    if (text[i] == ')') ++depth;
    if (text[i] == '(' && --depth == 0) return i == 0 ? text : text.substr(0, i);
  }
  return text;
}

}  // namespace pristine::sim
