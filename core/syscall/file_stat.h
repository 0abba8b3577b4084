// What stat(fd, buffer, length) copies to ring 3: one layout for the kernel
// (core/syscall/file_calls.cpp) and the ring-3 runtime. An ABI: fixed-width
// fields, added at the end only (docs/files.md).
#pragma once

#include <cstdint>

#include "core/syscall/abi_sizes.h"

namespace pristine {

struct FileStat {
  std::uint64_t size;   // bytes
  std::uint32_t index;  // the file's place in the image's table (stable for one image)
  std::uint32_t flags;  // kFileReadOnly: the descriptor cannot write; kFileDevice: a device
};

inline constexpr std::uint32_t kFileReadOnly = 1;
// A device file: `size` is the bytes a read would take now, `index` its
// driver's place in core/drivers/driver_list.def.
inline constexpr std::uint32_t kFileDevice = 2;

// open's flags (its third argument): kOpenWrite opens a writable image file
// (kernel-image/files/writable/) for reading and writing; one descriptor at
// a time may hold a file so (docs/files.md, "Writing").
inline constexpr std::uint64_t kOpenWrite = 1;

static_assert(sizeof(FileStat) == PRISTINE_FILE_STAT_SIZE, "FileStat is an ABI: add fields at the end only");

}  // namespace pristine
