#include "sim/guest_image.h"

#include <elf.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

#include "sim/printable.h"

#include "sim/source_lines.h"
namespace pristine::sim {
namespace {

using L = ImageLimits;
constexpr std::uint64_t kPage = 4096;

// Bounds-checked reads of one image's bytes; every failure names the file.
class ElfBytes {
 public:
  ElfBytes(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) : bytes_(bytes), file_(file) {}

  std::uint64_t size() const { return bytes_.size(); }
  // [offset, offset + length) lies inside the file (no sum that can wrap).
  bool fits(std::uint64_t offset, std::uint64_t length) const {
    return offset <= size() && length <= size() - offset;
  }
  template <typename T>
  T read(std::uint64_t offset) const {
    if (!fits(offset, sizeof(T))) fail(fmt::format("read of {} bytes at {:#x} is past the end of the file", sizeof(T), offset));
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof(T));
    return value;
  }
  const std::uint8_t* at(std::uint64_t offset) const { return bytes_.data() + offset; }
  [[noreturn]] void fail(const std::string& what) const {
    throw ImageError(fmt::format("{}: {}", file_.string(), what));
  }
  std::string past_end(std::string_view fields, std::uint64_t offset, std::uint64_t length) const {
    return fmt::format("{} ({:#x} + {:#x}) is past the end of the file ({} bytes)", fields, offset, length, size());
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::filesystem::path file_;
};

bool power_of_two_or_zero(std::uint64_t x) { return x == 0 || std::has_single_bit(x); }

// [vaddr, vaddr + size) inside one half of the canonical address space.
bool canonical(std::uint64_t vaddr, std::uint64_t size) {
  if (vaddr < L::kLowerHalfEnd) return size <= L::kLowerHalfEnd - vaddr;
  if (vaddr >= L::kUpperHalfStart && vaddr <= L::kUpperHalfEnd) return size <= L::kUpperHalfEnd - vaddr;
  return false;
}

Elf64_Ehdr read_header(const ElfBytes& elf) {
  if (elf.size() < sizeof(Elf64_Ehdr)) {
    elf.fail(fmt::format("{} bytes is too short for an ELF header ({} bytes)", elf.size(), sizeof(Elf64_Ehdr)));
  }
  const auto ehdr = elf.read<Elf64_Ehdr>(0);
  if (std::memcmp(ehdr.e_ident, ELFMAG, SELFMAG) != 0) elf.fail("not an ELF file (e_ident: no \\x7fELF magic)");
  if (ehdr.e_ident[EI_CLASS] != ELFCLASS64) elf.fail(fmt::format("e_ident[EI_CLASS] ({}) is not ELFCLASS64", ehdr.e_ident[EI_CLASS]));
  if (ehdr.e_ident[EI_DATA] != ELFDATA2LSB) elf.fail(fmt::format("e_ident[EI_DATA] ({}) is not ELFDATA2LSB", ehdr.e_ident[EI_DATA]));
  if (ehdr.e_ident[EI_VERSION] != EV_CURRENT || ehdr.e_version != EV_CURRENT) elf.fail("e_version is not EV_CURRENT");
  if (ehdr.e_machine != EM_X86_64 && ehdr.e_machine != EM_AARCH64) {
    elf.fail(fmt::format("e_machine ({}) is neither EM_X86_64 nor EM_AARCH64: not an image of this kernel", ehdr.e_machine));
  }
  if (ehdr.e_type != ET_EXEC) elf.fail(fmt::format("e_type ({}) is not ET_EXEC (a statically linked executable)", ehdr.e_type));
  if (ehdr.e_ehsize != sizeof(Elf64_Ehdr)) elf.fail(fmt::format("e_ehsize ({}) is not {}", ehdr.e_ehsize, sizeof(Elf64_Ehdr)));
  if (ehdr.e_phnum > L::kMaxProgramHeaders) {
    elf.fail(fmt::format("e_phnum ({}) is more than the limit of {} program headers", ehdr.e_phnum, L::kMaxProgramHeaders));
  }
  if (ehdr.e_phnum > 0) {
    if (ehdr.e_phentsize != sizeof(Elf64_Phdr)) elf.fail(fmt::format("e_phentsize ({}) is not {}", ehdr.e_phentsize, sizeof(Elf64_Phdr)));
    if (!elf.fits(ehdr.e_phoff, std::uint64_t{ehdr.e_phnum} * sizeof(Elf64_Phdr))) {
      elf.fail(elf.past_end("e_phoff + e_phnum * e_phentsize", ehdr.e_phoff, std::uint64_t{ehdr.e_phnum} * sizeof(Elf64_Phdr)));
    }
  }
  if (ehdr.e_shnum == 0 && ehdr.e_shoff != 0) {
    elf.fail(fmt::format("e_shnum is 0 with e_shoff {:#x}: extended section numbering is not supported", ehdr.e_shoff));
  }
  if (ehdr.e_shnum > L::kMaxSections) {
    elf.fail(fmt::format("e_shnum ({}) is more than the limit of {} sections", ehdr.e_shnum, L::kMaxSections));
  }
  if (ehdr.e_shnum > 0) {
    if (ehdr.e_shentsize != sizeof(Elf64_Shdr)) elf.fail(fmt::format("e_shentsize ({}) is not {}", ehdr.e_shentsize, sizeof(Elf64_Shdr)));
    if (!elf.fits(ehdr.e_shoff, std::uint64_t{ehdr.e_shnum} * sizeof(Elf64_Shdr))) {
      elf.fail(elf.past_end("e_shoff + e_shnum * e_shentsize", ehdr.e_shoff, std::uint64_t{ehdr.e_shnum} * sizeof(Elf64_Shdr)));
    }
    if (ehdr.e_shstrndx >= ehdr.e_shnum) {
      elf.fail(fmt::format("e_shstrndx ({}) is not a section (e_shnum {})", ehdr.e_shstrndx, ehdr.e_shnum));
    }
  }
  return ehdr;
}

}  // namespace

GuestImage GuestImage::load(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw ImageError(fmt::format("{}: cannot open kernel image (not a regular file)", file.string()));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ImageError(fmt::format("{}: cannot open kernel image", file.string()));
  // Read at most one byte past the limit: a file growing meanwhile is caught too.
  std::vector<std::uint8_t> bytes;
  char buffer[1 << 16];
  while (in && bytes.size() <= L::kMaxFileBytes) {
    in.read(buffer, sizeof buffer);
    bytes.insert(bytes.end(), buffer, buffer + in.gcount());
  }
  if (in.bad()) throw ImageError(fmt::format("{}: cannot read kernel image", file.string()));
  if (bytes.size() > L::kMaxFileBytes) {
    throw ImageError(fmt::format("{}: file size is more than the limit of {} bytes", file.string(), L::kMaxFileBytes));
  }
  return parse(bytes, file);
}

GuestImage GuestImage::parse(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
  const ElfBytes elf(bytes, file);
  const Elf64_Ehdr ehdr = read_header(elf);
  GuestImage image;
  image.file_ = file;
  image.entry_ = ehdr.e_entry;
  image.architecture_ = ehdr.e_machine == EM_AARCH64 ? GuestArchitecture::Aarch64 : GuestArchitecture::X86_64;

  // Program headers: every field against the file and the guest's limits,
  // before a byte is copied.
  std::vector<Elf64_Phdr> loads;
  std::uint64_t guest_memory = 0;
  for (std::uint64_t i = 0; i < ehdr.e_phnum; ++i) {
    const auto phdr = elf.read<Elf64_Phdr>(ehdr.e_phoff + i * sizeof(Elf64_Phdr));
    const auto fail = [&](const std::string& what) { elf.fail(fmt::format("program header {}: {}", i, what)); };
    if (!elf.fits(phdr.p_offset, phdr.p_filesz)) fail(elf.past_end("p_offset + p_filesz", phdr.p_offset, phdr.p_filesz));
    if (phdr.p_filesz > phdr.p_memsz) fail(fmt::format("p_filesz ({:#x}) is larger than p_memsz ({:#x})", phdr.p_filesz, phdr.p_memsz));
    if (!power_of_two_or_zero(phdr.p_align)) fail(fmt::format("p_align ({:#x}) is not a power of two", phdr.p_align));
    if (phdr.p_type != PT_LOAD || phdr.p_memsz == 0) continue;
    if (phdr.p_align > 1 && phdr.p_vaddr % phdr.p_align != phdr.p_offset % phdr.p_align) {
      fail(fmt::format("p_vaddr ({:#x}) and p_offset ({:#x}) differ modulo p_align ({:#x})", phdr.p_vaddr, phdr.p_offset, phdr.p_align));
    }
    if (phdr.p_memsz > L::kMaxGuestMemory) {
      fail(fmt::format("p_memsz ({:#x}) is more than the guest memory limit ({:#x} bytes)", phdr.p_memsz, L::kMaxGuestMemory));
    }
    if (!canonical(phdr.p_vaddr, phdr.p_memsz)) {
      fail(fmt::format("p_vaddr + p_memsz ({:#x} + {:#x}) is not inside one half of the canonical x86-64 address space",
                       phdr.p_vaddr, phdr.p_memsz));
    }
    if (phdr.p_paddr % kPage != phdr.p_vaddr % kPage) {
      fail(fmt::format("p_paddr ({:#x}) and p_vaddr ({:#x}) differ within a page", phdr.p_paddr, phdr.p_vaddr));
    }
    if (phdr.p_paddr >= L::kPhysicalEnd || phdr.p_memsz > L::kPhysicalEnd - phdr.p_paddr) {
      fail(fmt::format("p_paddr + p_memsz ({:#x} + {:#x}) is past guest physical memory (which ends at {:#x})",
                       phdr.p_paddr, phdr.p_memsz, L::kPhysicalEnd));
    }
    // Both ends are canonical, so rounding out to pages cannot wrap; each
    // term is at most kMaxGuestMemory + a page and there are at most 64.
    const std::uint64_t first = phdr.p_vaddr & ~(kPage - 1);
    const std::uint64_t last = (phdr.p_vaddr + phdr.p_memsz + kPage - 1) & ~(kPage - 1);
    guest_memory += last - first;
    if (guest_memory > L::kMaxGuestMemory) {
      fail(fmt::format("the loadable segments need {:#x} bytes of guest memory so far, more than the limit ({:#x} bytes)",
                       guest_memory, L::kMaxGuestMemory));
    }
    loads.push_back(phdr);
  }
  std::vector<std::size_t> order(loads.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return loads[a].p_vaddr < loads[b].p_vaddr; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Elf64_Phdr& a = loads[order[k - 1]];
    const Elf64_Phdr& b = loads[order[k]];
    if (b.p_vaddr - a.p_vaddr < a.p_memsz) {
      elf.fail(fmt::format("loadable segments [{:#x}, +{:#x}) and [{:#x}, +{:#x}) overlap", a.p_vaddr, a.p_memsz,
                           b.p_vaddr, b.p_memsz));
    }
  }
  // Physically too: no two segments share a byte, and segments that share a
  // page share it at the same offset (the board loads whole pages).
  std::vector<std::size_t> by_paddr = order;
  std::sort(by_paddr.begin(), by_paddr.end(), [&](std::size_t a, std::size_t b) { return loads[a].p_paddr < loads[b].p_paddr; });
  for (std::size_t k = 1; k < by_paddr.size(); ++k) {
    const Elf64_Phdr& a = loads[by_paddr[k - 1]];
    const Elf64_Phdr& b = loads[by_paddr[k]];
    if (b.p_paddr - a.p_paddr < a.p_memsz) {
      elf.fail(fmt::format("loadable segments at physical [{:#x}, +{:#x}) and [{:#x}, +{:#x}) overlap", a.p_paddr,
                           a.p_memsz, b.p_paddr, b.p_memsz));
    }
  }
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Elf64_Phdr& a = loads[order[k - 1]];
    const Elf64_Phdr& b = loads[order[k]];
    const bool share_page = (b.p_vaddr & ~(kPage - 1)) < ((a.p_vaddr + a.p_memsz + kPage - 1) & ~(kPage - 1));
    if (share_page && b.p_vaddr - a.p_vaddr != b.p_paddr - a.p_paddr) {
      elf.fail(fmt::format("loadable segments at {:#x} and {:#x} share a page but not its physical page", a.p_vaddr,
                           b.p_vaddr));
    }
  }
  // The CPU starts with its MMU off: the entry may be given by its physical
  // address (the AArch64 images link in the linear map and enter at the
  // load address) as well as by its linked one.
  const bool entry_ok = std::any_of(loads.begin(), loads.end(), [&](const Elf64_Phdr& p) {
    const auto inside = [&](std::uint64_t base) { return ehdr.e_entry >= base && ehdr.e_entry - base < p.p_filesz; };
    return (p.p_flags & PF_X) && (inside(p.p_vaddr) || inside(p.p_paddr));
  });
  if (!entry_ok) {
    elf.fail(fmt::format("e_entry ({:#x}) is not inside the file bytes of an executable loadable segment "
                         "(by linked or physical address)", ehdr.e_entry));
  }

  // Section headers: every section's bytes inside the file (what the DWARF
  // reader relies on too), then the one symbol table and its string table.
  std::vector<Elf64_Shdr> sections;
  for (std::uint64_t i = 0; i < ehdr.e_shnum; ++i) {
    const auto shdr = elf.read<Elf64_Shdr>(ehdr.e_shoff + i * sizeof(Elf64_Shdr));
    const auto fail = [&](const std::string& what) { elf.fail(fmt::format("section header {}: {}", i, what)); };
    if (shdr.sh_type != SHT_NULL && shdr.sh_type != SHT_NOBITS && !elf.fits(shdr.sh_offset, shdr.sh_size)) {
      fail(elf.past_end("sh_offset + sh_size", shdr.sh_offset, shdr.sh_size));
    }
    if (!power_of_two_or_zero(shdr.sh_addralign)) fail(fmt::format("sh_addralign ({:#x}) is not a power of two", shdr.sh_addralign));
    if (shdr.sh_link >= ehdr.e_shnum) fail(fmt::format("sh_link ({}) is not a section (e_shnum {})", shdr.sh_link, ehdr.e_shnum));
    sections.push_back(shdr);
  }
  if (ehdr.e_shstrndx != SHN_UNDEF && sections[ehdr.e_shstrndx].sh_type != SHT_STRTAB) {
    elf.fail(fmt::format("e_shstrndx ({}) is not a string table", ehdr.e_shstrndx));
  }

  // Segment bytes: in bounds by now.
  for (const Elf64_Phdr& phdr : loads) {
    Segment segment;
    segment.vaddr = phdr.p_vaddr;
    segment.paddr = phdr.p_paddr;
    segment.mem_size = phdr.p_memsz;
    segment.bytes.assign(elf.at(phdr.p_offset), elf.at(phdr.p_offset) + phdr.p_filesz);
    segment.writable = (phdr.p_flags & PF_W) != 0;
    segment.executable = (phdr.p_flags & PF_X) != 0;
    image.segments_.push_back(std::move(segment));
  }

  bool seen_symtab = false;
  std::uint64_t name_bytes = 0;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const Elf64_Shdr& shdr = sections[s];
    if (shdr.sh_type != SHT_SYMTAB) continue;
    const auto fail = [&](const std::string& what) { elf.fail(fmt::format("section header {} (symbol table): {}", s, what)); };
    if (seen_symtab) fail("a second SHT_SYMTAB section");
    seen_symtab = true;
    if (shdr.sh_entsize != sizeof(Elf64_Sym)) fail(fmt::format("sh_entsize ({}) is not {}", shdr.sh_entsize, sizeof(Elf64_Sym)));
    if (shdr.sh_size % sizeof(Elf64_Sym) != 0) fail(fmt::format("sh_size ({:#x}) is not a multiple of sh_entsize", shdr.sh_size));
    const std::uint64_t count = shdr.sh_size / sizeof(Elf64_Sym);
    if (count > L::kMaxSymbols) fail(fmt::format("sh_size ({:#x}) holds {} symbols, more than the limit of {}", shdr.sh_size, count, L::kMaxSymbols));
    const Elf64_Shdr& strtab = sections[shdr.sh_link];
    if (strtab.sh_type != SHT_STRTAB) fail(fmt::format("sh_link ({}) is not a string table", shdr.sh_link));
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto sym = elf.read<Elf64_Sym>(shdr.sh_offset + i * sizeof(Elf64_Sym));
      const auto bad = [&](const std::string& what) { elf.fail(fmt::format("symbol {}: {}", i, what)); };
      if (sym.st_name >= strtab.sh_size && sym.st_name != 0) {
        bad(fmt::format("st_name ({:#x}) is past the end of the string table ({} bytes)", sym.st_name, strtab.sh_size));
      }
      if (sym.st_size > ~sym.st_value) bad(fmt::format("st_value + st_size ({:#x} + {:#x}) wraps past 2^64", sym.st_value, sym.st_size));
      const int type = ELF64_ST_TYPE(sym.st_info);
      if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF ||
          (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)) {
        continue;
      }
      const auto* name = reinterpret_cast<const char*>(elf.at(strtab.sh_offset + sym.st_name));
      const std::uint64_t room = std::min<std::uint64_t>(strtab.sh_size - sym.st_name, L::kMaxSymbolName + 1);
      const void* nul = std::memchr(name, '\0', room);
      if (!nul) {
        bad(room > L::kMaxSymbolName ? fmt::format("name is longer than the limit of {} bytes", L::kMaxSymbolName)
                                     : std::string("name is not NUL-terminated inside the string table"));
      }
      const std::string_view raw(name, static_cast<const char*>(nul) - name);
      if (raw.empty() || raw[0] == '.') continue;
      name_bytes += raw.size();
      if (name_bytes > L::kMaxSymbolNameTotal) {
        bad(fmt::format("the symbol names add up to more than the limit of {} bytes", L::kMaxSymbolNameTotal));
      }
      // Names reach reports: anything that is not printable UTF-8 is escaped here, once.
      image.symbols_.push_back({printable(raw), sym.st_value, sym.st_size});
    }
  }
  // Sorted by address, then name: deterministic whatever the symtab order.
  std::sort(image.symbols_.begin(), image.symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.address != b.address ? a.address < b.address : a.name < b.name;
  });
  return image;
}

std::optional<PhysAddr> GuestImage::physical_address(VirtAddr address) const {
  for (const Segment& s : segments_) {
    if (address >= s.vaddr && address - s.vaddr < s.mem_size) return s.paddr + (address - s.vaddr);
  }
  return std::nullopt;
}

std::optional<VirtAddr> GuestImage::find_symbol(const std::string& name) const {
  for (const Symbol& s : symbols_) {
    if (s.name == name) return s.address;
  }
  return std::nullopt;
}

VirtAddr GuestImage::symbol(const std::string& name) const {
  if (auto address = find_symbol(name)) return *address;
  throw ImageError(fmt::format("{}: symbol '{}' not found", file_.string(), name));
}

const Symbol* GuestImage::function_at(VirtAddr address) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                             [](VirtAddr a, const Symbol& s) { return a < s.address; });
  while (it != symbols_.begin()) {
    --it;
    if (it->size == 0) continue;  // a label or a linker symbol (__pristine_hot_start), not a function
    return address < it->address + it->size ? &*it : nullptr;
  }
  return nullptr;
}

std::string GuestImage::describe(VirtAddr address) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                             [](VirtAddr a, const Symbol& s) { return a < s.address; });
  while (it != symbols_.begin()) {
    --it;
    if (it->size == 0 && it->address != address) continue;  // a label, not a function
    if (address < it->address + std::max<std::uint64_t>(it->size, 1)) {
      const std::string name = function_name(it->name);  // demangled: reports name C++ functions as written
      return address == it->address ? name : fmt::format("{}+{:#x}", name, address - it->address);
    }
    break;
  }
  return fmt::format("{:#x}", address);
}

}  // namespace pristine::sim
