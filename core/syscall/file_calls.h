// The file system calls (docs/files.md): open, close, read, fd_write, seek
// and stat on the image's files (writable ones: kernel-image/files/writable/)
// and on device files (docs/drivers.md, "Device I/O"), with ioctl for
// devices, through the calling task's descriptor table.
// Each returns the call's result or a negative error (core/syscall/syscall.h).
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/sched/task.h"

namespace pristine {

// open(name, length, flags): flags 0, or kOpenWrite (core/syscall/file_stat.h).
std::int64_t file_open(Task& task, VirtAddr name, std::uint64_t length, std::uint64_t flags);
std::int64_t file_close(Task& task, std::uint64_t fd);
// read: an image file's bytes from its offset, or a device's input (which may
// block: the frame to resume is returned, the result is in `result`).
TrapFrame* file_read(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t fd, VirtAddr buffer,
                     std::uint64_t length, std::int64_t& result);
// fd_write: on a device descriptor (core/drivers/device_files.h), or on an
// image file opened for writing (-EBADF if opened for reading). ioctl: a
// device's; -ENOTTY on an image file.
std::int64_t file_write(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);
std::int64_t file_ioctl(Task& task, std::uint64_t fd, std::uint64_t request, std::uint64_t argument);
std::int64_t file_seek(Task& task, std::uint64_t fd, std::int64_t offset, std::uint64_t whence);
std::int64_t file_stat(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length);
// At exit: the files its descriptors hold open for writing are free again.
void release_file_writers(Task& task);

// The most one read copies: a longer request reads this much (a short read,
// as POSIX allows), so the call's cost stays bounded.
inline constexpr std::uint64_t kMaxReadLength = 4096;

}  // namespace pristine
