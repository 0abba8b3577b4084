// A task's open files: a fixed table in the Task (no allocation), indexed by
// the descriptor ring 3 holds. An entry names an image file and keeps the
// task's offset in it (core/fs/image_files.h), or names a device: a driver
// of core/drivers/driver_list.def, opened through its device file
// (core/drivers/device_files.h, docs/files.md "Devices").
#pragma once

#include <cstdint>

namespace pristine::fs {

inline constexpr std::uint32_t kMaxOpenFiles = 8;

// OpenFile::kind
enum OpenKind : std::uint32_t {
  kFree = 0,       // a free descriptor
  kImageFile = 1,  // `file` indexes pristine_image_files
  kDevice = 2,     // `file` is a drivers::DriverId
};

// OpenFile::flags
inline constexpr std::uint32_t kNonBlocking = 1;  // a device read that finds nothing is -EAGAIN (ioctl)
inline constexpr std::uint32_t kWriting = 2;      // an image file opened for writing: it holds the file's `writer`

struct OpenFile {
  std::uint32_t file;    // index in pristine_image_files, or the device's DriverId
  std::uint32_t kind;    // OpenKind
  std::uint64_t offset;  // an image file's next read position; may lie past the end
  std::uint32_t flags;   // a device's: kNonBlocking; an image file's: kWriting
  std::uint32_t reserved;
};

}  // namespace pristine::fs
