#include "sim/guest_image.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <fmt/format.h>

namespace pristine::sim {
namespace {

// Owns the file descriptor and Elf handle of one image.
class ElfFile {
 public:
  explicit ElfFile(const std::filesystem::path& file) : file_(file) {
    if (elf_version(EV_CURRENT) == EV_NONE) throw ImageError("libelf: version mismatch");
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw ImageError(fmt::format("{}: cannot open kernel image", file.string()));
    elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF) {
      throw ImageError(fmt::format("{}: not an ELF file", file.string()));
    }
  }
  ~ElfFile() {
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) ::close(fd_);
  }
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;
  Elf* get() const { return elf_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw ImageError(fmt::format("{}: {}: {}", file_.string(), what, elf_errmsg(-1)));
  }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

}  // namespace

GuestImage GuestImage::load(const std::filesystem::path& file) {
  ElfFile elf(file);
  GuestImage image;
  image.file_ = file;

  GElf_Ehdr ehdr;
  if (!gelf_getehdr(elf.get(), &ehdr)) elf.fail("ELF header");
  if (ehdr.e_machine != EM_X86_64) {
    throw ImageError(fmt::format("{}: not an x86-64 image", file.string()));
  }
  image.entry_ = ehdr.e_entry;

  std::size_t phnum = 0;
  if (elf_getphdrnum(elf.get(), &phnum) != 0) elf.fail("program headers");
  std::size_t size = 0;
  const char* raw = elf_rawfile(elf.get(), &size);
  for (std::size_t i = 0; i < phnum; ++i) {
    GElf_Phdr phdr;
    if (!gelf_getphdr(elf.get(), static_cast<int>(i), &phdr)) elf.fail("program header");
    if (phdr.p_type != PT_LOAD || phdr.p_memsz == 0) continue;
    if (phdr.p_offset + phdr.p_filesz > size) {
      throw ImageError(fmt::format("{}: segment {} lies outside the file", file.string(), i));
    }
    Segment segment;
    segment.vaddr = phdr.p_vaddr;
    segment.mem_size = phdr.p_memsz;
    segment.bytes.assign(raw + phdr.p_offset, raw + phdr.p_offset + phdr.p_filesz);
    segment.writable = (phdr.p_flags & PF_W) != 0;
    segment.executable = (phdr.p_flags & PF_X) != 0;
    image.segments_.push_back(std::move(segment));
  }

  for (Elf_Scn* scn = elf_nextscn(elf.get(), nullptr); scn; scn = elf_nextscn(elf.get(), scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    const std::size_t count = shdr.sh_entsize ? shdr.sh_size / shdr.sh_entsize : 0;
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) continue;
      const int type = GELF_ST_TYPE(sym.st_info);
      if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF ||
          (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)) {
        continue;
      }
      const char* name = elf_strptr(elf.get(), shdr.sh_link, sym.st_name);
      if (!name || name[0] == '.' || name[0] == '\0') continue;
      image.symbols_.push_back({name, sym.st_value, sym.st_size});
    }
  }
  // Sorted by address, then name: deterministic whatever the symtab order.
  std::sort(image.symbols_.begin(), image.symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.address != b.address ? a.address < b.address : a.name < b.name;
  });
  return image;
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
      return address == it->address ? it->name
                                    : fmt::format("{}+{:#x}", it->name, address - it->address);
    }
    break;
  }
  return fmt::format("{:#x}", address);
}

}  // namespace pristine::sim
