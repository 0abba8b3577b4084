// Kernel images are untrusted input (issue 13, docs/input-limits.md "Kernel
// images"). Each hostile image is built here from the real sim-kernel.elf by
// patching one header field in a copy under the build directory, then given
// to `pristine sim --image` as a user would: exit 2, a message naming the file
// and the field, no report written. Every run is bounded by timeout(1), so a
// loader that loops on a claimed size fails the test (status 124) instead of
// hanging it; the refusal is structural: the message names the header field,
// which the loader checks before any copy, allocation or loop over the claimed
// size.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/guest_image.h"
#include "sim/printable.h"
#include "sim/source_lines.h"
#include "sim/user_access_table.h"
#include "tests/run_command.h"

namespace {

using pristine::sim::GuestArchitecture;
using pristine::sim::GuestImage;
using pristine::sim::ImageError;
using pristine::testing::CommandResult;
using pristine::testing::run_command;

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kWork = PRISTINE_BUILD_DIR "/tests/hostile-images";

// A copy of an ELF image whose headers a test patches in place.
class ElfCopy {
 public:
  explicit ElfCopy(const std::filesystem::path& source) {
    std::ifstream in(source, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (bytes_.size() < sizeof(Elf64_Ehdr)) throw std::runtime_error(source.string() + ": not built");
  }
  Elf64_Ehdr ehdr() const { return get<Elf64_Ehdr>(0); }
  void set_ehdr(const Elf64_Ehdr& h) { put(0, h); }
  std::size_t phnum() const { return ehdr().e_phnum; }
  Elf64_Phdr phdr(std::size_t i) const { return get<Elf64_Phdr>(ehdr().e_phoff + i * sizeof(Elf64_Phdr)); }
  void set_phdr(std::size_t i, const Elf64_Phdr& p) { put(ehdr().e_phoff + i * sizeof(Elf64_Phdr), p); }
  Elf64_Shdr shdr(std::size_t i) const { return get<Elf64_Shdr>(ehdr().e_shoff + i * sizeof(Elf64_Shdr)); }
  void set_shdr(std::size_t i, const Elf64_Shdr& s) { put(ehdr().e_shoff + i * sizeof(Elf64_Shdr), s); }
  // Indices of the PT_LOAD program headers, in file order.
  std::vector<std::size_t> loads() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < phnum(); ++i) {
      if (phdr(i).p_type == PT_LOAD) out.push_back(i);
    }
    return out;
  }
  std::size_t section_of_type(std::uint32_t type) const {
    for (std::size_t i = 0; i < ehdr().e_shnum; ++i) {
      if (shdr(i).sh_type == type) return i;
    }
    throw std::runtime_error("no such section");
  }
  std::vector<char>& bytes() { return bytes_; }
  // Move symbol `name` by `delta` bytes (its value in the symbol table).
  void move_symbol(const std::string& name, std::int64_t delta) {
    const Elf64_Shdr symtab = shdr(section_of_type(SHT_SYMTAB));
    const Elf64_Shdr strtab = shdr(symtab.sh_link);
    for (std::uint64_t off = symtab.sh_offset; off + sizeof(Elf64_Sym) <= symtab.sh_offset + symtab.sh_size;
         off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym = get<Elf64_Sym>(off);
      if (name == bytes_.data() + strtab.sh_offset + sym.st_name) {
        sym.st_value += static_cast<std::uint64_t>(delta);
        put(off, sym);
        return;
      }
    }
    throw std::runtime_error("no symbol " + name);
  }
  std::filesystem::path write(const std::string& name) const {
    std::filesystem::create_directories(kWork);
    const auto path = kWork / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
    return path;
  }

 private:
  template <typename T>
  T get(std::uint64_t offset) const {
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof(T));
    return value;
  }
  template <typename T>
  void put(std::uint64_t offset, const T& value) {
    std::memcpy(bytes_.data() + offset, &value, sizeof(T));
  }
  std::vector<char> bytes_;
};

struct SimRun {
  CommandResult result;
  bool json_written;
};

// Where sim() asks for the JSON report of a run on `image`.
std::filesystem::path report_of(const std::filesystem::path& image) {
  return kWork / image.filename().replace_extension(".json");
}

SimRun sim(const std::filesystem::path& image, const std::string& scenario = "quiet") {
  std::filesystem::create_directories(kWork);
  const auto json = report_of(image);
  std::filesystem::remove(json);
  const auto r = run_command("timeout 300 " PRISTINE_BUILD_DIR "/bin/pristine sim " PRISTINE_SOURCE_DIR "/scenarios/" +
                             scenario + ".toml --image " + image.string() + " --json " + json.string());
  return {r, std::filesystem::exists(json)};
}

// Exit 2, the file and every expected fragment in the message, no report.
void expect_refused(const std::filesystem::path& image, const std::vector<std::string>& fragments) {
  const SimRun run = sim(image);
  EXPECT_EQ(run.result.status, 2) << run.result.output;
  EXPECT_NE(run.result.output.find("error: " + image.string() + ": "), std::string::npos) << run.result.output;
  for (const std::string& f : fragments) EXPECT_NE(run.result.output.find(f), std::string::npos) << f << "\n" << run.result.output;
  EXPECT_FALSE(run.json_written);
  // The same refusal in-process, from the bytes alone.
  std::ifstream in(image, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    (void)GuestImage::parse(bytes, image);
    ADD_FAILURE() << "parse accepted " << image;
  } catch (const ImageError& e) {
    for (const std::string& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

TEST(ImageLoader, TheShippedImagesLoad) {
  const GuestImage image = GuestImage::load(kImage);
  EXPECT_FALSE(image.segments().empty());
  EXPECT_TRUE(image.find_symbol("pristine_tasks"));
  EXPECT_NO_THROW(GuestImage::load(PRISTINE_BUILD_DIR "/images/kernel.elf"));
  EXPECT_NO_THROW(GuestImage::load(PRISTINE_BUILD_DIR "/tests/test_guest.elf"));
}

// An AArch64 image is an image (its architecture recorded); the x86-64 run
// loop refuses it by name instead of running it on the wrong CPU.
// The image must be of the scenario's CPU (scenario.arch, x86_64 by default).
TEST(ImageLoader, AnAarch64ImageLoadsAsOneAndAnX86ScenarioRefusesIt) {
  const std::filesystem::path aarch64 = PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel.elf";
  const GuestImage image = GuestImage::load(aarch64);
  EXPECT_EQ(image.architecture(), GuestArchitecture::Aarch64);
  EXPECT_TRUE(image.find_symbol("sim_secondary_entry"));
  EXPECT_EQ(GuestImage::load(kImage).architecture(), GuestArchitecture::X86_64);
  const SimRun run = sim(aarch64);
  EXPECT_EQ(run.result.status, 2) << run.result.output;
  EXPECT_NE(run.result.output.find(aarch64.string() + ": an aarch64 image, and the scenario runs x86_64"),
            std::string::npos)
      << run.result.output;
  EXPECT_FALSE(run.json_written);
}

TEST(ImageLoader, AnImageOfAnotherCpuIsRefused) {
  ElfCopy elf(kImage);
  Elf64_Ehdr h = elf.ehdr();
  h.e_machine = EM_RISCV;
  elf.set_ehdr(h);
  expect_refused(elf.write("riscv.elf"), {"e_machine (243) is neither EM_X86_64 nor EM_AARCH64"});
}

// Today: SIGSEGV (p_offset + p_filesz wraps and passes the bounds check).
TEST(ImageLoader, SegmentOffsetNearTwoTo64IsRefused) {
  ElfCopy elf(kImage);
  const std::size_t i = elf.loads().back();
  Elf64_Phdr p = elf.phdr(i);
  p.p_offset = 0xfffffffffffff000;
  p.p_filesz = 0x2000;
  elf.set_phdr(i, p);
  expect_refused(elf.write("offset-near-2-64.elf"),
                 {"program header " + std::to_string(i) + ": p_offset + p_filesz (0xfffffffffffff000 + 0x2000)",
                  "is past the end of the file"});
}

// Today: loops over ~46 billion symbols (hours).
TEST(ImageLoader, SymbolTableClaimingATerabyteIsRefused) {
  ElfCopy elf(kImage);
  const std::size_t s = elf.section_of_type(SHT_SYMTAB);
  Elf64_Shdr sh = elf.shdr(s);
  sh.sh_size = 24 * std::uint64_t{45812984490};  // 1 TiB, whole symbols
  elf.set_shdr(s, sh);
  expect_refused(elf.write("symtab-terabyte.elf"),
                 {"section header " + std::to_string(s) + ": sh_offset + sh_size", "is past the end of the file"});
}

// Today: std::bad_alloc (exit 1) when the guest memory is allocated.
TEST(ImageLoader, SegmentMemszOfATerabyteIsRefused) {
  ElfCopy elf(kImage);
  const std::size_t i = elf.loads().at(1);
  Elf64_Phdr p = elf.phdr(i);
  p.p_memsz = std::uint64_t{1} << 40;
  elf.set_phdr(i, p);
  expect_refused(elf.write("memsz-terabyte.elf"),
                 {"program header " + std::to_string(i) + ": p_memsz (0x10000000000) is more than the guest memory limit"});
}

// The board loads segments at their physical addresses (docs/paging.md):
// one past guest physical memory, one at another's bytes, or one whose
// physical page offset differs from its virtual one is refused by name.
TEST(ImageLoader, SegmentPastGuestPhysicalMemoryIsRefused) {
  ElfCopy elf(kImage);
  const std::size_t i = elf.loads().at(1);
  Elf64_Phdr p = elf.phdr(i);
  p.p_paddr = 0xFEBF0000;  // the board's register page
  elf.set_phdr(i, p);
  expect_refused(elf.write("paddr-board.elf"),
                 {"program header " + std::to_string(i) + ": p_paddr + p_memsz (0xfebf0000", "is past guest physical memory"});
}

TEST(ImageLoader, SegmentsOverlappingInPhysicalMemoryAreRefused) {
  ElfCopy elf(kImage);
  const std::size_t a = elf.loads().at(1), b = elf.loads().at(2);
  Elf64_Phdr p = elf.phdr(b);
  p.p_paddr = elf.phdr(a).p_paddr + (p.p_vaddr & 0xFFF);
  elf.set_phdr(b, p);
  expect_refused(elf.write("paddr-overlap.elf"), {"loadable segments at physical", "overlap"});
}

TEST(ImageLoader, PhysicalPageOffsetDifferentFromTheVirtualOneIsRefused) {
  ElfCopy elf(kImage);
  const std::size_t i = elf.loads().at(1);
  Elf64_Phdr p = elf.phdr(i);
  p.p_paddr += 8;
  elf.set_phdr(i, p);
  expect_refused(elf.write("paddr-offset.elf"),
                 {"program header " + std::to_string(i) + ": p_paddr", "and p_vaddr", "differ within a page"});
}

// Today: a Unicorn error (exit 1): libelf reads PN_XNUM as "count in section 0".
TEST(ImageLoader, SixtyFiveThousandProgramHeadersAreRefused) {
  ElfCopy elf(kImage);
  Elf64_Ehdr h = elf.ehdr();
  h.e_phnum = 65535;
  elf.set_ehdr(h);
  expect_refused(elf.write("phnum-65535.elf"), {"e_phnum (65535) is more than the limit of 64 program headers"});
}

// Today: accepted, the run passes.
TEST(ImageLoader, FileszLargerThanMemszIsRefused) {
  ElfCopy elf(kImage);
  const std::size_t i = elf.loads().front();
  Elf64_Phdr p = elf.phdr(i);
  ASSERT_GT(p.p_filesz, 0x10u);
  p.p_memsz = 0x10;
  elf.set_phdr(i, p);
  expect_refused(elf.write("filesz-over-memsz.elf"),
                 {"program header " + std::to_string(i) + ": p_filesz", "is larger than p_memsz (0x10)"});
}

// Today: the text says PASS, the JSON writer throws (exit 1), the report is empty.
TEST(ImageLoader, NonUtf8SymbolNameGivesValidJsonAndTheRightExitCode) {
  // A function the faults scenario names in its fault records, found by a
  // first run on the real image, and not one the simulator looks up by name.
  const SimRun plain = sim(kImage, "faults");
  ASSERT_EQ(plain.result.status, 0) << plain.result.output;
  const auto looked_up = [](const std::string& n) {
    return n.empty() || n.rfind("__", 0) == 0 || n.rfind("x86_", 0) == 0 || n.rfind("pristine_", 0) == 0 ||
           n.rfind("sim_", 0) == 0 || n == "interrupt_return_swapgs" ||
           n == "user_slots";
  };
  std::string victim;
  std::ifstream plain_json(report_of(kImage));
  const auto plain_report = nlohmann::json::parse(plain_json);
  for (const auto& f : plain_report["faults"]) {
    const std::string symbol = f["symbol"];
    // "function+0x..": inside a function, whose name describe() keeps when it
    // changes (a name alone may share its address with a label that sorts first).
    if (symbol.find('+') == std::string::npos) continue;
    const std::string name = symbol.substr(0, symbol.find('+'));
    if (!looked_up(name)) {
      victim = name;
      break;
    }
  }
  ASSERT_FALSE(victim.empty()) << "no fault record names a function";

  ElfCopy elf(kImage);
  const Elf64_Shdr strtab = elf.shdr(elf.shdr(elf.section_of_type(SHT_SYMTAB)).sh_link);
  const std::string wanted = std::string(1, '\0') + victim + std::string(1, '\0');
  const std::string table(elf.bytes().data() + strtab.sh_offset, strtab.sh_size);
  const auto at = table.find(wanted);
  ASSERT_NE(at, std::string::npos) << victim;
  elf.bytes()[strtab.sh_offset + at + 1] = static_cast<char>(0xff);  // "\xff" + victim without its first byte
  const auto image = elf.write("non-utf8-symbol.elf");
  const SimRun run = sim(image, "faults");
  EXPECT_EQ(run.result.status, 0) << run.result.output;
  EXPECT_NE(run.result.output.find("verdict: PASS"), std::string::npos);
  ASSERT_TRUE(run.json_written);
  std::ifstream in(report_of(image));
  const auto j = nlohmann::json::parse(in);  // throws on a bad report
  EXPECT_EQ(j["verdict"], "pass");
  const std::string escaped = "\\xff" + victim.substr(1);
  bool named = false;
  for (const auto& f : j["faults"]) named |= std::string(f["symbol"]).rfind(escaped, 0) == 0;
  EXPECT_TRUE(named) << "no fault record names " << escaped;
}

// The kernel's user-access table (core/syscall/user_access_table.h) as the
// simulator reads it: a table that is not whole entries, or lies outside the
// image's loaded bytes, refuses the image by name.
TEST(ImageLoader, AUserAccessTableOfPartEntriesIsRefused) {
  ElfCopy elf(kImage);
  elf.move_symbol("__pristine_user_access_end", 8);
  const GuestImage image = GuestImage::load(elf.write("user-access-part-entry.elf"));
  try {
    const pristine::sim::UserAccessTable table(image);
    FAIL() << "accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("user-access table"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("user-access-part-entry.elf"), std::string::npos) << e.what();
  }
}

TEST(ImageLoader, AUserAccessTableOutsideTheLoadedBytesIsRefused) {
  ElfCopy elf(kImage);
  elf.move_symbol("__pristine_user_access_start", -(std::int64_t{1} << 40));
  elf.move_symbol("__pristine_user_access_end", -(std::int64_t{1} << 40));
  const GuestImage image = GuestImage::load(elf.write("user-access-outside.elf"));
  try {
    const pristine::sim::UserAccessTable table(image);
    FAIL() << "accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("not in the image's loaded bytes"), std::string::npos) << e.what();
  }
}

TEST(ImageLoader, PrintableKeepsUtf8AndEscapesTheRest) {
  using pristine::sim::printable;
  EXPECT_EQ(printable("x86_interrupt_dispatch"), "x86_interrupt_dispatch");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(printable("\xff" "a"), "\\xffa");
  EXPECT_EQ(printable("\xc3"), "\\xc3");                  // truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");         // overlong
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(printable("a\x1b[2Jb"), "a\\x1b[2Jb");        // a terminal escape
  EXPECT_EQ(printable("a\\xffb"), "a\\x5cxffb");          // a backslash cannot fake an escape
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
}

// libdw on hostile debug info: garbage in every .debug_* section finds no
// lines and does not crash.
TEST(ImageLoader, GarbageDwarfGivesNoLinesAndNoCrash) {
  ElfCopy elf(kImage);
  const Elf64_Ehdr h = elf.ehdr();
  const Elf64_Shdr names = elf.shdr(h.e_shstrndx);
  for (std::size_t s = 0; s < h.e_shnum; ++s) {
    const Elf64_Shdr sh = elf.shdr(s);
    const std::string name(elf.bytes().data() + names.sh_offset + sh.sh_name);
    if (name.rfind(".debug_", 0) != 0) continue;
    for (std::uint64_t k = 0; k < sh.sh_size; ++k) elf.bytes()[sh.sh_offset + k] = static_cast<char>(0xff - k % 7);
  }
  const auto path = elf.write("garbage-dwarf.elf");
  const GuestImage image = GuestImage::load(path);
  const pristine::sim::SourceLines lines(path);
  for (const auto& s : image.segments()) {
    for (std::uint64_t a = s.vaddr; a < s.vaddr + s.bytes.size(); a += 61) EXPECT_FALSE(lines.find(a));
  }
}

}  // namespace
