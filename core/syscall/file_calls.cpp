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
  if (f->offset >= file.size) return 0;
  std::uint64_t n = file.size - f->offset;
  if (n > length) n = length;
  if (n > kMaxReadLength) n = kMaxReadLength;
  if (const std::int64_t e = copy_to_user(buffer, file.data + f->offset, n)) return e;
  f->offset += n;
  return static_cast<std::int64_t>(n);
}

}  // namespace

PRISTINE_HOT std::int64_t file_open(Task& task, VirtAddr name, std::uint64_t length) {
  if (length == 0) return kEINVAL;
  if (length > fs::kMaxNameLength) return kENAMETOOLONG;
  char copy[fs::kMaxNameLength];
  if (const std::int64_t e = copy_from_user(copy, name, length)) return e;
  const std::uint32_t file = fs::find_image_file(copy, length);
  const std::uint32_t device = file == fs::kNoFile ? drivers::find_device(copy, length) : drivers::kNoDevice;
  if (file == fs::kNoFile && device == drivers::kNoDevice) return kENOENT;
  for (std::uint32_t fd = 0; fd < fs::kMaxOpenFiles; ++fd) {
    if (task.files[fd].kind == fs::kFree) {
      if (device != drivers::kNoDevice) return drivers::device_open(task, fd, device);
      task.files[fd] = {.file = file, .kind = fs::kImageFile, .offset = 0, .flags = 0, .reserved = 0};
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
    f->kind = fs::kFree;
  }
  return 0;
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
  if (!f || f->kind != fs::kDevice) return kEBADF;  // an image file is read-only
  return drivers::device_write(*f, buffer, length);
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
    case 2: base = static_cast<std::int64_t>(fs::pristine_image_files[f->file].size); break;
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
                            : FileStat{.size = fs::pristine_image_files[f->file].size, .index = f->file,
                                       .flags = kFileReadOnly};
  if (const std::int64_t e = copy_to_user(buffer, &stat, sizeof stat)) return e;
  return sizeof stat;
}

}  // namespace pristine
