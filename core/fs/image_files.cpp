#include "core/fs/image_files.h"

#include "core/hot_path.h"

namespace pristine::fs {
namespace {

// Compare `name[0, length)` with the NUL-terminated `file`: <0, 0, >0.
int compare(const char* name, std::uint64_t length, const char* file) {
  for (std::uint64_t i = 0; i < length; ++i) {
    if (file[i] == '\0') return 1;
    if (name[i] != file[i]) return static_cast<unsigned char>(name[i]) < static_cast<unsigned char>(file[i]) ? -1 : 1;
  }
  return file[length] == '\0' ? 0 : -1;
}

}  // namespace

// Binary search: log2 of the table's size compares of at most kMaxNameLength
// bytes each, whatever the name (the open call's path stays bounded).
PRISTINE_HOT std::uint32_t find_image_file(const char* name, std::uint64_t length) {
  std::uint64_t low = 0, high = pristine_image_file_count;
  while (low < high) {
    const std::uint64_t middle = low + (high - low) / 2;
    const int order = compare(name, length, pristine_image_files[middle].name);
    if (order == 0) return static_cast<std::uint32_t>(middle);
    if (order < 0) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return kNoFile;
}

}  // namespace pristine::fs
