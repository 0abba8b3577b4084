// A task's open files: a fixed table in the Task (no allocation), indexed by
// the descriptor ring 3 holds. Each entry names an image file and keeps the
// task's offset in it (core/fs/image_files.h).
#pragma once

#include <cstdint>

namespace pristine::fs {

inline constexpr std::uint32_t kMaxOpenFiles = 8;

struct OpenFile {
  std::uint32_t file;    // index in pristine_image_files
  std::uint32_t in_use;  // 0: a free descriptor
  std::uint64_t offset;  // the next read's position; may lie past the end
};

}  // namespace pristine::fs
