// Ring-3 program "syscall-files": the file system calls (docs/files.md) on
// the image's own files (kernel-image/files/), every success and error case,
// each round. numbers.txt holds the lines "0000\n" to "0999\n" (5000 bytes):
// whatever the way it is read, its bytes must be exactly those. The first
// wrong result ends the task with exit code 100 + the check's number; a
// round that passes counts one.
#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kNumbersSize = 5000;

// numbers.txt as it must read, built once in the heap's first two pages.
const char* g_expected = nullptr;

void build_expected(char* out) {
  for (std::uint64_t line = 0; line < 1000; ++line) {
    out[line * 5 + 0] = static_cast<char>('0' + line / 1000);
    out[line * 5 + 1] = static_cast<char>('0' + line / 100 % 10);
    out[line * 5 + 2] = static_cast<char>('0' + line / 10 % 10);
    out[line * 5 + 3] = static_cast<char>('0' + line % 10);
    out[line * 5 + 4] = '\n';
  }
  g_expected = out;
}

bool numbers_match(const char* bytes, std::uint64_t offset, std::uint64_t length) {
  return offset + length <= kNumbersSize && __builtin_memcmp(bytes, g_expected + offset, length) == 0;
}

// 30-49: writing scratch.txt (kernel-image/files/writable/, empty in the
// image, room for 4096 bytes). Each round writes the same bytes, so a round
// after the first finds the file already grown.
std::int64_t check_writing(char* buffer, std::uint64_t guard) {
  constexpr std::uint64_t kCapacity = 4096;
  // 30: flags: only kOpenWrite; a read-only file cannot be opened to write.
  if (!open("scratch.txt", 2).is(EINVAL) || !open("numbers.txt", pristine::kOpenWrite).is(EACCES)) return 130;
  // 31: one writer at a time; readers beside it.
  const Result w = open("scratch.txt", pristine::kOpenWrite);
  if (!w.ok()) return 131;
  const auto wfd = static_cast<std::uint64_t>(w.value);
  if (!open("scratch.txt", pristine::kOpenWrite).is(EBUSY)) return 132;
  const Result r = open("scratch.txt");
  if (!r.ok()) return 133;
  const auto rfd = static_cast<std::uint64_t>(r.value);
  // 34: the writer writes at its offset; a reader's descriptor may not write.
  const char message[] = "pristine writes";
  if (fd_write(wfd, message, 15).value != 15) return 134;
  if (!fd_write(rfd, message, 15).is(EBADF)) return 135;
  // 36: the reader reads what was written; stat says who may write.
  if (read(rfd, buffer, 15).value != 15 || __builtin_memcmp(buffer, message, 15) != 0) return 136;
  FileStat wstat{}, rstat{};
  if (stat(wfd, wstat).value != static_cast<std::int64_t>(sizeof wstat) || wstat.size < 15 || wstat.flags != 0) return 137;
  if (stat(rfd, rstat).value != static_cast<std::int64_t>(sizeof rstat) || rstat.flags != pristine::kFileReadOnly) return 138;
  // 39: a write stops at the capacity (a short write), then -ENOSPC; the
  // size is the capacity.
  if (seek(wfd, kCapacity - 6, Whence::Start).value != static_cast<std::int64_t>(kCapacity - 6)) return 139;
  if (fd_write(wfd, message, 15).value != 6) return 140;
  if (!fd_write(wfd, message, 1).is(ENOSPC)) return 141;
  if (stat(wfd, wstat).value != static_cast<std::int64_t>(sizeof wstat) || wstat.size != kCapacity) return 142;
  // 43: a bad buffer is -EFAULT: the offset and the size stay.
  if (seek(wfd, 0, Whence::Start).value != 0) return 143;
  if (!fd_write(wfd, reinterpret_cast<const void*>(guard), 8).is(EFAULT)) return 144;
  if (fd_write(wfd, message, 0).value != 0 || seek(wfd, 0, Whence::Current).value != 0) return 145;
  // 46: closed, the writer is free again.
  if (!close(wfd).ok() || !fd_write(wfd, message, 1).is(EBADF)) return 146;
  const Result again = open("scratch.txt", pristine::kOpenWrite);
  if (!again.ok() || !close(static_cast<std::uint64_t>(again.value)).ok() || !close(rfd).ok()) return 147;
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_files_main) {
  // The heap's last page as the buffer: a page of its own (the stack holds
  // only 16 KiB, and a read may be 4 KiB).
  const auto counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~std::uint64_t{0xFFF};
  char* buffer = reinterpret_cast<char*>(counter_page + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE - 4096);
  const std::uint64_t guard = counter_page - PRISTINE_USER_STACK_SIZE - PRISTINE_USER_GUARD_SIZE;
  build_expected(reinterpret_cast<char*>(counter_page + PRISTINE_USER_COUNTER_SIZE));
  for (;;) {
    // 1: open and stat: read-only, 5000 bytes.
    const Result fd = open("numbers.txt");
    if (!fd.ok()) return 101;
    FileStat info{};
    if (stat(static_cast<std::uint64_t>(fd.value), info).value != static_cast<std::int64_t>(sizeof info) ||
        info.size != kNumbersSize || info.flags != pristine::kFileReadOnly) {
      return 102;
    }
    // 2: read it whole in odd chunks: the bytes, then 0 at the end.
    std::uint64_t offset = 0;
    for (std::uint64_t chunk = 7;; chunk = chunk * 3 % 1021 + 1) {
      const Result got = read(static_cast<std::uint64_t>(fd.value), buffer, chunk);
      if (!got.ok()) return 103;
      if (got.value == 0) break;
      if (!numbers_match(buffer, offset, static_cast<std::uint64_t>(got.value))) return 104;
      offset += static_cast<std::uint64_t>(got.value);
      if (chunk % 4 == 0) yield();  // short stints: the other checkers wait less
    }
    if (offset != kNumbersSize) return 105;
    yield();  // the round is long: let the other checkers in halfway
    // 3: a read longer than 4096 is cut there (a short read).
    if (seek(static_cast<std::uint64_t>(fd.value), 0, Whence::Start).value != 0) return 106;
    const Result most = read(static_cast<std::uint64_t>(fd.value), buffer, 1 << 20);
    if (most.value != 4096 || !numbers_match(buffer, 0, 4096)) return 107;
    // 4: seek from the end and from here; past the end reads nothing.
    if (seek(static_cast<std::uint64_t>(fd.value), -10, Whence::End).value != 4990) return 108;
    if (read(static_cast<std::uint64_t>(fd.value), buffer, 100).value != 10 || !numbers_match(buffer, 4990, 10)) {
      return 109;
    }
    if (seek(static_cast<std::uint64_t>(fd.value), 100, Whence::Current).value != 5100) return 110;
    if (read(static_cast<std::uint64_t>(fd.value), buffer, 10).value != 0) return 111;
    // 5: a seek before the start, or by a bad whence, is refused and moves nothing.
    if (!seek(static_cast<std::uint64_t>(fd.value), -5101, Whence::Current).is(EINVAL)) return 112;
    if (!call(Sys::Seek, static_cast<std::uint64_t>(fd.value), 0, 3).is(EINVAL)) return 113;
    if (seek(static_cast<std::uint64_t>(fd.value), 0, Whence::Current).value != 5100) return 114;
    // 6: a read into its guard page: -EFAULT, and the offset stays.
    if (seek(static_cast<std::uint64_t>(fd.value), 0, Whence::Start).value != 0) return 115;
    if (!call(Sys::Read, static_cast<std::uint64_t>(fd.value), guard, 16).is(EFAULT)) return 116;
    if (seek(static_cast<std::uint64_t>(fd.value), 0, Whence::Current).value != 0) return 117;
    // 7: names: unknown, empty, too long, a prefix of a real one, a bad pointer.
    if (!open("no-such-file").is(ENOENT) || !open("numbers").is(ENOENT) || !open("numbers.txtx").is(ENOENT)) return 118;
    if (!call(Sys::Open, reinterpret_cast<std::uint64_t>("x"), 0).is(EINVAL)) return 119;
    if (!call(Sys::Open, reinterpret_cast<std::uint64_t>(buffer), 33).is(ENAMETOOLONG)) return 120;
    if (!call(Sys::Open, guard, 8).is(EFAULT)) return 121;
    // 8: hello.txt opens beside it, on the next descriptor, with its own offset.
    const Result hello = open("hello.txt");
    if (!hello.ok() || hello.value == fd.value) return 122;
    const Result greeting = read(static_cast<std::uint64_t>(hello.value), buffer, 5);
    if (greeting.value != 5 || buffer[0] != 'H' || buffer[4] != 'o') return 123;
    // 9: every descriptor in use: -EMFILE; closing frees them; a closed one is -EBADF.
    std::int64_t opened[8];
    std::uint64_t count = 0;
    for (;;) {
      const Result more = open("hello.txt");
      if (!more.ok()) {
        if (!more.is(EMFILE)) return 124;
        break;
      }
      if (count == 8) return 125;
      opened[count++] = more.value;
    }
    if (count != 6) return 126;  // eight descriptors, two held above
    for (std::uint64_t i = 0; i < count; ++i) {
      if (!close(static_cast<std::uint64_t>(opened[i])).ok()) return 127;
    }
    if (!close(static_cast<std::uint64_t>(hello.value)).ok() || !close(static_cast<std::uint64_t>(fd.value)).ok()) {
      return 128;
    }
    if (!close(static_cast<std::uint64_t>(fd.value)).is(EBADF) || !read(99, buffer, 1).is(EBADF) ||
        !call(Sys::Stat, ~std::uint64_t{0}, reinterpret_cast<std::uint64_t>(buffer), 16).is(EBADF)) {
      return 129;
    }
    if (const std::int64_t failed = check_writing(buffer, guard)) return failed;
    ++*start.counter;
    yield();
  }
}
