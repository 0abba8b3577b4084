#include "core/syscall/file_calls.h"

#include "core/drivers/device_files.h"
#include "core/fs/image_files.h"
#include "core/hot_path.h"
#include "core/syscall/file_stat.h"
#include "core/syscall/syscall.h"
#include "core/syscall/user_access.h"

namespace pristine {
namespace {

// The task's open descriptor `fd`, or null (EBADF).
fs::OpenFile* open_file(Task& task, std::uint64_t fd) {
  if (fd >= fs::kMaxOpenFiles || task.files[fd].kind == fs::kFree) return nullptr;
  return &task.files[fd];
}

// An image file's read: from its offset, which advances.
PRISTINE_HOT std::int64_t image_file_read(fs::OpenFile* f, VirtAddr buffer, std::uint64_t length) {
  const fs::ImageFile& file = fs::pristine_image_files[f->file];
  const std::uint64_t size = file.size.load(std::memory_order_acquire);  // the bytes before it are written
  if (f->offset >= size) return 0;
  std::uint64_t n = size - f->offset;
  if (n > length) n = length;
  if (n > kMaxReadLength) n = kMaxReadLength;
  if (const std::int64_t e = copy_to_user(buffer, file.data + f->offset, n)) return e;
  f->offset += n;
  return static_cast<std::int64_t>(n);
}

// A write through a descriptor that holds the file's writer: at its offset,
// which advances; at most kMaxReadLength bytes, and no further than the
// file's capacity (a short write), ENOSPC at it. The size grows after the
// bytes are in. A copy that faults leaves the size and the offset, but the
// bytes before the fault, inside the old size, are written (POSIX allows it).
PRISTINE_HOT std::int64_t image_file_write(fs::OpenFile* f, VirtAddr buffer, std::uint64_t length) {
  fs::ImageFile& file = fs::pristine_image_files[f->file];
  if (length == 0) return 0;
  if (f->offset >= file.capacity) return kENOSPC;
  std::uint64_t n = file.capacity - f->offset;
  if (n > length) n = length;
  if (n > kMaxReadLength) n = kMaxReadLength;
  if (const std::int64_t e = copy_from_user(file.data + f->offset, buffer, n)) return e;
  f->offset += n;
  // Only the writer stores the size: a plain compare, then a release.
  if (f->offset > file.size.load(std::memory_order_relaxed)) file.size.store(f->offset, std::memory_order_release);
  return static_cast<std::int64_t>(n);
}

// The descriptor gives its file's writer back.
PRISTINE_HOT void give_back_writer(Task& task, std::uint64_t fd) {
  fs::pristine_image_files[task.files[fd].file].writer.store(0, std::memory_order_release);
  task.files_writing &= ~(1u << fd);
}

}  // namespace

PRISTINE_HOT std::int64_t file_open(Task& task, VirtAddr name, std::uint64_t length, std::uint64_t flags) {
  if ((flags & ~kOpenWrite) != 0) return kEINVAL;
  if (length == 0) return kEINVAL;
  if (length > fs::kMaxNameLength) return kENAMETOOLONG;
  char copy[fs::kMaxNameLength];
  if (const std::int64_t e = copy_from_user(copy, name, length)) return e;
  const std::uint32_t file = fs::find_image_file(copy, length);
  const std::uint32_t device = file == fs::kNoFile ? drivers::find_device(copy, length) : drivers::kNoDevice;
  if (file == fs::kNoFile && device == drivers::kNoDevice) return kENOENT;
  for (std::uint32_t fd = 0; fd < fs::kMaxOpenFiles; ++fd) {
    if (task.files[fd].kind == fs::kFree) {
      if (device != drivers::kNoDevice) return drivers::device_open(task, fd, device);  // a device reads and writes
      std::uint32_t open_flags = 0;
      if (flags & kOpenWrite) {
        fs::ImageFile& f = fs::pristine_image_files[file];
        if (f.capacity == 0) return kEACCES;
        std::uint64_t none = 0;
        if (!f.writer.compare_exchange_strong(none, reinterpret_cast<std::uint64_t>(&task), std::memory_order_acquire)) {
          return kEBUSY;  // another descriptor writes it
        }
        open_flags = fs::kWriting;
        task.files_writing |= 1u << fd;
      }
      task.files[fd] = {.file = file, .kind = fs::kImageFile, .offset = 0, .flags = open_flags, .reserved = 0};
      return fd;
    }
  }
  return kEMFILE;
}

PRISTINE_HOT std::int64_t file_close(Task& task, std::uint64_t fd) {
  fs::OpenFile* f = open_file(task, fd);
  if (!f) return kEBADF;
  if (f->kind == fs::kDevice) {
    drivers::device_close(task, *f);
  } else {
    if (f->flags & fs::kWriting) give_back_writer(task, fd);
    f->kind = fs::kFree;
  }
  return 0;
}

PRISTINE_HOT void release_file_writers(Task& task) {
  for (std::uint64_t fd = 0; fd < fs::kMaxOpenFiles; ++fd) {
    if (task.files_writing & (1u << fd)) give_back_writer(task, fd);
  }
}

PRISTINE_HOT TrapFrame* file_read(CpuLocal& cpu, TrapFrame* frame, Cycles now, std::uint64_t fd, VirtAddr buffer,
                                   std::uint64_t length, std::int64_t& result) {
  Task& task = *cpu.current;
  fs::OpenFile* f = open_file(task, fd);
  if (!f) {
    result = kEBADF;
    return frame;
  }
  if (f->kind == fs::kDevice) return drivers::device_read(cpu, frame, now, *f, buffer, length, result);
  result = image_file_read(f, buffer, length);
  return frame;
}

PRISTINE_HOT std::int64_t file_write(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length) {
  fs::OpenFile* f = open_file(task, fd);
  if (!f) return kEBADF;
  if (f->kind == fs::kDevice) return drivers::device_write(*f, buffer, length);
  if (!(f->flags & fs::kWriting)) return kEBADF;  // opened for reading only
  return image_file_write(f, buffer, length);
}

PRISTINE_HOT std::int64_t file_ioctl(Task& task, std::uint64_t fd, std::uint64_t request, std::uint64_t argument) {
  fs::OpenFile* f = open_file(task, fd);
  if (!f) return kEBADF;
  if (f->kind != fs::kDevice) return kENOTTY;
  return drivers::device_ioctl(*f, request, argument);
}

PRISTINE_HOT std::int64_t file_seek(Task& task, std::uint64_t fd, std::int64_t offset, std::uint64_t whence) {
  fs::OpenFile* f = open_file(task, fd);
  if (!f) return kEBADF;
  if (f->kind == fs::kDevice) return kESPIPE;  // a stream: no offset
  std::int64_t base;
  switch (whence) {
    case 0: base = 0; break;
    case 1: base = static_cast<std::int64_t>(f->offset); break;
    case 2: base = static_cast<std::int64_t>(fs::pristine_image_files[f->file].size.load(std::memory_order_acquire)); break;
    default: return kEINVAL;
  }
  std::int64_t target;
  // Before the start, or past what a signed offset holds: refused, the offset unchanged.
  if (__builtin_add_overflow(base, offset, &target) || target < 0) return kEINVAL;
  f->offset = static_cast<std::uint64_t>(target);
  return target;
}

PRISTINE_HOT std::int64_t file_stat(Task& task, std::uint64_t fd, VirtAddr buffer, std::uint64_t length) {
  fs::OpenFile* f = open_file(task, fd);
  if (!f) return kEBADF;
  if (length < sizeof(FileStat)) return kEINVAL;
  const FileStat stat = f->kind == fs::kDevice
                            ? FileStat{.size = drivers::device_available(*f), .index = f->file, .flags = kFileDevice}
                            : FileStat{.size = fs::pristine_image_files[f->file].size.load(std::memory_order_acquire),
                                       .index = f->file,
                                       .flags = (f->flags & fs::kWriting) ? 0u : kFileReadOnly};
  if (const std::int64_t e = copy_to_user(buffer, &stat, sizeof stat)) return e;
  return sizeof stat;
}

}  // namespace pristine
