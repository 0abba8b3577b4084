// The file system calls (docs/files.md): open, close, read, seek and stat on
// the image's read-only files, through the calling task's descriptor table.
// Each returns the call's result or a negative error (core/syscall/syscall.h).
#pragma once

#include <cstdint>

#include "core/sched/task.h"

namespace pristine {

std::int64_t file_open(Task& task, VirtAddr name, std::uint64_t length);
std::int64_t file_close(Task& task, std::uint64_t fd);
std::int64_t file_read(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);
std::int64_t file_seek(Task& task, std::uint64_t fd, std::int64_t offset, std::uint64_t whence);
std::int64_t file_stat(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);

// The most one read copies: a longer request reads this much (a short read,
// as POSIX allows), so the call's cost stays bounded.
inline constexpr std::uint64_t kMaxReadLength = 4096;

}  // namespace pristine
