// The simulator image as loaded from its ELF file with elfutils: loadable
// segments and the symbol table (for BootInfo, the task table, and naming
// addresses in reports).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/types.h"

namespace pristine::sim {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Segment {
  VirtAddr vaddr = 0;
  std::uint64_t mem_size = 0;
  std::vector<std::uint8_t> bytes;  // file contents; the rest is zero
  bool writable = false;
  bool executable = false;
};

struct Symbol {
  std::string name;
  VirtAddr address = 0;
  std::uint64_t size = 0;
};

class GuestImage {
 public:
  static GuestImage load(const std::filesystem::path& file);

  VirtAddr entry() const { return entry_; }
  const std::vector<Segment>& segments() const { return segments_; }
  // Address of a symbol; throws ImageError naming it if absent.
  VirtAddr symbol(const std::string& name) const;
  std::optional<VirtAddr> find_symbol(const std::string& name) const;
  // "function+0x12" for an address inside a function, else the hex address.
  std::string describe(VirtAddr address) const;
  // The function containing `address`, if any.
  const Symbol* function_at(VirtAddr address) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  VirtAddr entry_ = 0;
  std::vector<Segment> segments_;
  std::vector<Symbol> symbols_;   // sorted by address
};

}  // namespace pristine::sim
