// The file system calls (docs/files.md): open, close, read, seek and stat on
// the image's read-only files and on device files (docs/drivers.md, "Device
// I/O"), with fd_write and ioctl for devices, through the calling task's
// descriptor table.
// Each returns the call's result or a negative error (core/syscall/syscall.h).
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sched/task.h"

namespace pristine {

std::int64_t file_open(Task& task, VirtAddr name, std::uint64_t length);
std::int64_t file_close(Task& task, std::uint64_t fd);
// read: an image file's bytes from its offset, or a device's input (which may
// block: the frame to resume is returned, the result is in `result`).
TrapFrame* file_read(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t fd, VirtAddr buffer,
                     std::uint64_t length, std::int64_t& result);
// fd_write and ioctl: on a device descriptor (core/drivers/device_files.h);
// an image file is -EBADF for a write and -ENOTTY for an ioctl.
std::int64_t file_write(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);
std::int64_t file_ioctl(Task& task, std::uint64_t fd, std::uint64_t request, std::uint64_t argument);
std::int64_t file_seek(Task& task, std::uint64_t fd, std::int64_t offset, std::uint64_t whence);
std::int64_t file_stat(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);

// The most one read copies: a longer request reads this much (a short read,
// as POSIX allows), so the call's cost stays bounded.
inline constexpr std::uint64_t kMaxReadLength = 4096;

}  // namespace pristine
