// The simulator image as loaded from its ELF file: loadable segments and the
// symbol table (for BootInfo, the task table, and naming addresses in reports).
// An image is untrusted input: every header field is checked against the file
// size and the limits below before anything is copied or allocated, and a bad
// one is refused with an ImageError naming the file and the field
// (docs/input-limits.md, "Kernel images").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/guest_architecture.h"
#include "sim/host_types.h"

namespace pristine::sim {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The loader's limits (docs/input-limits.md). Anything past them is refused.
struct ImageLimits {
  // Largest image file read at all.
  static constexpr std::uint64_t kMaxFileBytes = std::uint64_t{256} << 20;
  // Program headers (e_phnum; PN_XNUM extended numbering is therefore refused).
  static constexpr std::uint64_t kMaxProgramHeaders = 64;
  // Section headers (e_shnum; extended numbering is refused).
  static constexpr std::uint64_t kMaxSections = 4096;
  // Guest memory of all loadable segments together, each rounded out to whole
  // 4 KiB pages (the simulator allocates and maps exactly that much).
  static constexpr std::uint64_t kMaxGuestMemory = std::uint64_t{1} << 30;
  // Symbols in the symbol table (the table must also lie inside the file).
  static constexpr std::uint64_t kMaxSymbols = std::uint64_t{1} << 20;
  // Bytes of one symbol name, and of all kept names together (names may share
  // string-table bytes, so the total is bounded on its own).
  static constexpr std::uint64_t kMaxSymbolName = 4096;
  static constexpr std::uint64_t kMaxSymbolNameTotal = std::uint64_t{64} << 20;
  // Canonical x86-64 addresses a segment may occupy: the lower half, or the
  // upper half without its last page (so no page-rounded end wraps to 0).
  static constexpr std::uint64_t kLowerHalfEnd = std::uint64_t{1} << 47;
  static constexpr std::uint64_t kUpperHalfStart = 0xffff800000000000;
  static constexpr std::uint64_t kUpperHalfEnd = 0xfffffffffffff000;
  // Guest physical memory a segment may be loaded at (p_paddr): the first
  // three GiB. The fourth is the board's (its register page, 0xFEBF0000).
  static constexpr std::uint64_t kPhysicalEnd = std::uint64_t{3} << 30;
};

struct Segment {
  VirtAddr vaddr = 0;
  PhysAddr paddr = 0;  // where the board loads it (the guest's page tables map vaddr there)
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
  // Throws ImageError naming `file` and the field at fault.
  static GuestImage load(const std::filesystem::path& file);
  // The same from the file's bytes; `file` only names the image in messages.
  static GuestImage parse(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

  VirtAddr entry() const { return entry_; }
  GuestArchitecture architecture() const { return architecture_; }
  const std::vector<Segment>& segments() const { return segments_; }
  // Address of a symbol; throws ImageError naming it if absent.
  VirtAddr symbol(const std::string& name) const;
  std::optional<VirtAddr> find_symbol(const std::string& name) const;
  // Where the board loads the byte at `address` (a segment's p_paddr plus
  // the offset), if a segment holds it.
  std::optional<PhysAddr> physical_address(VirtAddr address) const;
  // "function+0x12" for an address inside a function, else the hex address.
  std::string describe(VirtAddr address) const;
  // The function containing `address`, if any.
  const Symbol* function_at(VirtAddr address) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  VirtAddr entry_ = 0;
  GuestArchitecture architecture_ = GuestArchitecture::X86_64;
  std::vector<Segment> segments_;
  std::vector<Symbol> symbols_;   // sorted by address
};

}  // namespace pristine::sim
