// The image file system: files packed into the kernel image at build time
// (every file of kernel-image/files/, read-only, and of
// kernel-image/files/writable/, writable up to a capacity fixed at build
// time; by the generator in core/CMakeLists.txt), looked up by name. One
// table for both images; ring 3 reads and writes them through the file
// system calls (docs/files.md).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/types.h"

namespace pristine::fs {

// The longest file name, in bytes (names are flat: no directories).
inline constexpr std::uint64_t kMaxNameLength = 32;

// Laid out by the generator: five 64-bit words per file.
struct ImageFile {
  const char* name;  // NUL-terminated, at most kMaxNameLength bytes
  std::uint8_t* data;  // written only through a descriptor holding `writer`
  // The file's size now: a write past it grows it (released after the bytes,
  // so a reader on another CPU that sees the size sees them).
  std::atomic<std::uint64_t> size;
  std::uint64_t capacity;  // what `data` holds at most; 0: read-only
  // The one descriptor open for writing: its task's address, or 0 (claimed
  // and given back by compare-and-swap; one writer, any number of readers).
  std::atomic<std::uint64_t> writer;
};
static_assert(sizeof(ImageFile) == 40, "the generator's layout: five quads");

// The table, sorted by name (the generator sorts it; tests/core/image_files_test.cpp checks it).
extern "C" ImageFile pristine_image_files[];
extern "C" const std::uint64_t pristine_image_file_count;

// The file named by `name[0, length)`, or its index kNoFile.
inline constexpr std::uint32_t kNoFile = ~std::uint32_t{0};
std::uint32_t find_image_file(const char* name, std::uint64_t length);

}  // namespace pristine::fs
