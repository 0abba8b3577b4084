// Fuzz target: the kernel-image loader (docs/input-limits.md "Kernel images"):
// ELF headers, segments and the symbol table from memory
// (GuestImage::parse), then, for an image it accepts, the symbol lookups the
// reports use and the DWARF line reader (libdw reads a file: the input is
// written to a per-process temporary file). Bad input must end in
// ImageError, never a crash, a hang or an allocation past the limits.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/guest_image.h"
#include "sim/source_lines.h"

namespace {

volatile std::uint64_t g_sink;  // keeps the lookups from being optimized away

std::filesystem::path scratch_file() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("pristine-image-loader-fuzz-" + std::to_string(::getpid()) + ".elf");
  return path;
}

// Every lookup a report makes, on an accepted image.
std::uint64_t exercise(const pristine::sim::GuestImage& image, const std::filesystem::path& file) {
  using namespace pristine::sim;
  const SourceLines lines(file);
  std::uint64_t sink = 0;
  const auto probe = [&](std::uint64_t a) {
    sink += image.describe(a).size();
    if (const Symbol* f = image.function_at(a)) sink += demangle(f->name).size();
    if (const auto line = lines.find(a)) sink += line->file.size() + static_cast<std::uint64_t>(line->line);
  };
  probe(image.entry());
  for (const Segment& s : image.segments()) {
    probe(s.vaddr);
    probe(s.vaddr + s.bytes.size() / 2);
    probe(s.vaddr + s.mem_size - 1);
  }
  return sink + image.find_symbol("pristine_tasks").value_or(0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pristine::sim;
  try {
    const GuestImage image = GuestImage::parse({data, size}, "fuzz-input.elf");
    {
      std::ofstream out(scratch_file(), std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    g_sink = exercise(image, scratch_file());
    std::filesystem::remove(scratch_file());
  } catch (const ImageError&) {
    // Refused: the expected outcome for most inputs.
  }
  return 0;
}
