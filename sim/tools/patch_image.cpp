// patch_image IN OUT (AT SYMBOL | IN FUNCTION) EXPECTED REPLACEMENT: copy a
// linked kernel image with the bytes of one site overwritten. This is how the
// deliberately broken images that remove or change an instruction are made
// from the production image, without test-only code in its sources
// (docs/pristine-rules.md, "Adding a broken image").
//
//   AT SYMBOL      the site starts at SYMBOL (a label of the entry code, or a
//                  function's first instruction).
//   IN FUNCTION    the site is the one place inside FUNCTION holding EXPECTED;
//                  none or several is an error.
//   EXPECTED       the original bytes in hex ("0f01f8"; an AArch64
//                  instruction's four bytes in file order, "f8674ca9" for
//                  0xa94c67f8), or call:SYMBOL / jmp:SYMBOL, an x86-64
//                  5-byte rel32 call or jump to SYMBOL.
//   REPLACEMENT    hex, exactly as long as EXPECTED.
//
// Symbols are named as in the ELF symbol table or by their demangled name
// without parameters ("pristine::machine::now"). The tool refuses, and writes
// nothing, when the bytes at the site are not EXPECTED: the source moved on,
// and the breakage must be redone rather than silently patch something else.
#include <cxxabi.h>
#include <elf.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Symbol {
  std::string name;
  std::uint64_t address = 0;
  std::uint64_t size = 0;
};

struct Image {
  std::vector<std::uint8_t> bytes;
  std::vector<Symbol> symbols;
  std::vector<Elf64_Shdr> sections;
};

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

template <typename T>
T read_at(const std::vector<std::uint8_t>& bytes, std::uint64_t offset) {
  if (offset + sizeof(T) > bytes.size()) fail("truncated ELF file");
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

std::string demangled(const std::string& name) {
  int status = 0;
  char* text = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || text == nullptr) return name;
  std::string result(text);
  std::free(text);
  return result;
}

Image load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  Image image;
  image.bytes.assign(std::istreambuf_iterator<char>(in), {});
  const auto header = read_at<Elf64_Ehdr>(image.bytes, 0);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      (header.e_machine != EM_X86_64 && header.e_machine != EM_AARCH64)) {
    fail(path + ": not an x86-64 or AArch64 ELF64 file");
  }
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    image.sections.push_back(read_at<Elf64_Shdr>(image.bytes, header.e_shoff + std::uint64_t{i} * header.e_shentsize));
  }
  for (const Elf64_Shdr& s : image.sections) {
    if (s.sh_type != SHT_SYMTAB) continue;
    const Elf64_Shdr& strings = image.sections.at(s.sh_link);
    for (std::uint64_t at = s.sh_offset; at + sizeof(Elf64_Sym) <= s.sh_offset + s.sh_size; at += sizeof(Elf64_Sym)) {
      const auto sym = read_at<Elf64_Sym>(image.bytes, at);
      if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF) continue;
      const std::uint64_t name_at = strings.sh_offset + sym.st_name;
      if (name_at >= image.bytes.size()) fail("bad symbol name");
      image.symbols.push_back({reinterpret_cast<const char*>(image.bytes.data() + name_at), sym.st_value, sym.st_size});
    }
  }
  if (image.symbols.empty()) fail(path + ": no symbol table");
  return image;
}

// The one symbol called `name` (mangled, or demangled without parameters).
const Symbol& find_symbol(const Image& image, const std::string& name) {
  const Symbol* found = nullptr;
  for (const Symbol& s : image.symbols) {
    const std::string plain = demangled(s.name);
    const bool match = s.name == name || plain == name || plain.rfind(name + "(", 0) == 0;
    if (!match) continue;
    if (found && found->address != s.address) fail("symbol " + name + " is ambiguous");
    found = &s;
  }
  if (!found) fail("no symbol " + name);
  return *found;
}

// File offset of `size` bytes at virtual address `address` (in one section with contents).
std::uint64_t file_offset(const Image& image, std::uint64_t address, std::uint64_t size) {
  for (const Elf64_Shdr& s : image.sections) {
    if (s.sh_type != SHT_PROGBITS || (s.sh_flags & SHF_ALLOC) == 0) continue;
    if (address >= s.sh_addr && address + size <= s.sh_addr + s.sh_size) return s.sh_offset + (address - s.sh_addr);
  }
  fail("no section holds the bytes at the site");
}

std::vector<std::uint8_t> parse_hex(const std::string& text) {
  if (text.empty() || text.size() % 2 != 0) fail("bad hex bytes: '" + text + "'");
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const std::string pair = text.substr(i, 2);
    char* end = nullptr;
    const unsigned long value = std::strtoul(pair.c_str(), &end, 16);
    if (end != pair.c_str() + 2) fail("bad hex bytes: '" + text + "'");
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  return bytes;
}

std::string hex(const std::uint8_t* bytes, std::size_t size) {
  std::string text;
  char pair[3];
  for (std::size_t i = 0; i < size; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", bytes[i]);
    text += pair;
  }
  return text;
}

// What the site must hold: fixed bytes, or a rel32 call/jump whose bytes
// depend on where the site is.
struct Expected {
  std::vector<std::uint8_t> bytes;  // fixed bytes, or empty
  std::uint8_t opcode = 0;          // 0xe8 call, 0xe9 jmp
  std::uint64_t target = 0;
  std::size_t size() const { return opcode ? 5 : bytes.size(); }
  bool at(const std::uint8_t* code, std::uint64_t address) const {
    if (!opcode) return std::memcmp(code, bytes.data(), bytes.size()) == 0;
    std::int32_t rel;
    std::memcpy(&rel, code + 1, sizeof rel);
    return code[0] == opcode && address + 5 + static_cast<std::int64_t>(rel) == target;
  }
};

Expected parse_expected(const Image& image, const std::string& text) {
  Expected e;
  for (const auto& [prefix, opcode] : {std::pair{"call:", 0xe8}, std::pair{"jmp:", 0xe9}}) {
    if (text.rfind(prefix, 0) == 0) {
      e.opcode = static_cast<std::uint8_t>(opcode);
      e.target = find_symbol(image, text.substr(std::strlen(prefix))).address;
      return e;
    }
  }
  e.bytes = parse_hex(text);
  return e;
}

int run(int argc, char** argv) {
  if (argc != 7 || (std::strcmp(argv[3], "AT") != 0 && std::strcmp(argv[3], "IN") != 0)) {
    std::fprintf(stderr, "usage: patch_image IN.elf OUT.elf (AT SYMBOL | IN FUNCTION) EXPECTED REPLACEMENT\n");
    return 2;
  }
  const std::string in_path = argv[1], out_path = argv[2], where = argv[4];
  Image image = load(in_path);
  const Symbol& symbol = find_symbol(image, where);
  const Expected expected = parse_expected(image, argv[5]);
  const std::vector<std::uint8_t> replacement = parse_hex(argv[6]);
  if (replacement.size() != expected.size()) {
    fail("the replacement is " + std::to_string(replacement.size()) + " bytes, the expected site " +
         std::to_string(expected.size()));
  }

  std::optional<std::uint64_t> site;
  if (std::strcmp(argv[3], "AT") == 0) {
    const std::uint64_t offset = file_offset(image, symbol.address, expected.size());
    if (!expected.at(image.bytes.data() + offset, symbol.address)) {
      fail("the bytes at " + where + " are " + hex(image.bytes.data() + offset, expected.size()) + ", not the expected " +
           argv[5] + ": the source changed, redo this breakage");
    }
    site = offset;
  } else {
    if (symbol.size < expected.size()) fail(where + " has no size or is too small");
    const std::uint64_t start = file_offset(image, symbol.address, symbol.size);
    for (std::uint64_t i = 0; i + expected.size() <= symbol.size; ++i) {
      if (!expected.at(image.bytes.data() + start + i, symbol.address + i)) continue;
      if (site) fail(std::string(argv[5]) + " occurs more than once in " + where + ": name the site with a label");
      site = start + i;
    }
    if (!site) fail(std::string(argv[5]) + " does not occur in " + where + ": the source changed, redo this breakage");
  }

  std::memcpy(image.bytes.data() + *site, replacement.data(), replacement.size());
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(image.bytes.data()), static_cast<std::streamsize>(image.bytes.size()));
  if (!out) fail("cannot write " + out_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "patch_image: %s\n", e.what());
    return 1;
  }
}
