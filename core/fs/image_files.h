// The image file system: read-only files packed into the kernel image at
// build time (every file of kernel-image/files/, by the generator in
// core/CMakeLists.txt), looked up by name. One table for both images; ring 3
// reads them through the file system calls (docs/files.md).
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::fs {

// The longest file name, in bytes (names are flat: no directories).
inline constexpr std::uint64_t kMaxNameLength = 32;

struct ImageFile {
  const char* name;  // NUL-terminated, at most kMaxNameLength bytes
  const std::uint8_t* data;
  std::uint64_t size;
};

// The table, sorted by name (the generator sorts it; tests/core/image_files_test.cpp checks it).
extern "C" const ImageFile pristine_image_files[];
extern "C" const std::uint64_t pristine_image_file_count;

// The file named by `name[0, length)`, or its index kNoFile.
inline constexpr std::uint32_t kNoFile = ~std::uint32_t{0};
std::uint32_t find_image_file(const char* name, std::uint64_t length);

}  // namespace pristine::fs
