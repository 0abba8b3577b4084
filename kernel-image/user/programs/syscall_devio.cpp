// Ring-3 program "syscall-devio": device I/O on uart0 through its device file
// (docs/drivers.md, "Device I/O"): every success and error case of open,
// read, fd_write, ioctl, stat, seek and close on "dev/uart0". `arg` is how
// many input bytes to read (the scenario's uart0 source sends more); 0 says
// the driver was not started: then opening the device must be -ENODEV. Each
// byte read must be the payload generator's byte at its place in the input
// stream (core/drivers/uart_payload.h: one function for the simulator's
// model, the PC's host and this check). The first wrong result ends the task
// with exit code 100 + the check's number; once every check passed the
// counter holds `arg` (1 without the driver) and the task yields for good.
#include <initializer_list>

#include "core/drivers/uart_payload.h"
#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;
using pristine::DeviceStats;

namespace {

constexpr std::uint64_t kKernelAddress = 0xFFFF'8000'0000'0000;
constexpr std::uint64_t kBadFds[] = {8, 9, 1000, ~std::uint64_t{0}};
constexpr char kMessage[] = "syscall-devio: written through dev/uart0\n";
constexpr std::uint64_t kMessageLength = sizeof kMessage - 1;

// The calls that need no open device: names, bad descriptors, an image file.
std::int64_t check_without_device() {
  // 1: names that are no device (no '/' in an image file's name: never a file either).
  for (const char* name : {"dev/", "dev/uart", "dev/uart01", "dev/uart1", "uart0", "dev//uart0", "DEV/uart0"}) {
    if (!open(name).is(ENOENT)) return 101;
  }
  // 2: bad descriptors, for every descriptor call.
  char byte = 0;
  for (const std::uint64_t fd : kBadFds) {
    if (!fd_write(fd, &byte, 1).is(EBADF) || !ioctl(fd, pristine::kIoctlBytesAvailable).is(EBADF) ||
        !read(fd, &byte, 1).is(EBADF)) {
      return 102;
    }
  }
  // 3: an image file takes no write (read-only: -EBADF) and no request (-ENOTTY).
  const Result file = open("hello.txt");
  if (!file.ok()) return 103;
  const auto f = static_cast<std::uint64_t>(file.value);
  if (!fd_write(f, kMessage, 4).is(EBADF) || !ioctl(f, pristine::kIoctlGetStats).is(ENOTTY) ||
      !ioctl(f, 12345, 0).is(ENOTTY)) {
    return 104;
  }
  if (!close(f).ok() || !fd_write(f, kMessage, 4).is(EBADF)) return 105;
  return 0;
}

// The device's own errors and requests, on the open descriptor `fd` (a
// second one must not open: one holder at a time).
std::int64_t check_requests(std::uint64_t fd, std::uint64_t guard) {
  // 10: one holder: a second open is -EBUSY.
  if (!open("dev/uart0").is(EBUSY)) return 110;
  // 11: stat says device (index: uart0's place in the driver list); seek is -ESPIPE.
  pristine::FileStat info{};
  if (!stat(fd, info).ok() || info.flags != pristine::kFileDevice || info.index != 0) return 111;
  if (!seek(fd, 0, Whence::Start).is(ESPIPE)) return 112;
  // 12: requests: unknown ones -ENOTTY; bad arguments -EINVAL; a bad buffer -EFAULT.
  for (const std::uint64_t request : {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{0x5401}, ~std::uint64_t{0}}) {
    if (!ioctl(fd, request, 0).is(ENOTTY)) return 113;
  }
  if (!ioctl(fd, pristine::kIoctlBytesAvailable, 1).is(EINVAL) || !ioctl(fd, pristine::kIoctlSetNonBlocking, 2).is(EINVAL) ||
      !ioctl(fd, pristine::kIoctlFlushInput, 7).is(EINVAL)) {
    return 114;
  }
  for (const std::uint64_t bad : {std::uint64_t{0}, kKernelAddress, guard}) {
    if (!ioctl(fd, pristine::kIoctlGetStats, bad).is(EFAULT)) return 115;
  }
  DeviceStats stats{};
  const Result got = device_stats(fd, stats);
  if (!got.ok() || got.value != static_cast<std::int64_t>(sizeof stats) || stats.size != sizeof stats) return 116;
  // 13: writes: bad buffers -EFAULT (nothing sent), length 0 is 0, then a line.
  for (const std::uint64_t bad : {std::uint64_t{0}, kKernelAddress, guard}) {
    if (!fd_write(fd, reinterpret_cast<const void*>(bad), 4).is(EFAULT)) return 117;
  }
  const Result none = fd_write(fd, kMessage, 0);
  if (!none.ok() || none.value != 0) return 118;
  const Result sent = write_all(fd, kMessage, kMessageLength);
  if (!sent.ok() || sent.value != static_cast<std::int64_t>(kMessageLength)) return 119;
  DeviceStats after{};
  if (!device_stats(fd, after).ok() || after.transmitted != stats.transmitted + kMessageLength) return 120;
  // 14: reads: length 0 is 0, a buffer outside user memory -EFAULT at once.
  char byte;
  const Result empty = read(fd, &byte, 0);
  if (!empty.ok() || empty.value != 0) return 121;
  if (!read(fd, reinterpret_cast<void*>(kKernelAddress), 1).is(EFAULT) || !read(fd, nullptr, 1).is(EFAULT)) return 122;
  return 0;
}

// 41-47: read `wanted` bytes (blocking), each the stream's byte at its place.
std::int64_t check_input(std::uint64_t fd, std::uint64_t wanted, std::uint64_t guard) {
  std::uint8_t buffer[512];
  std::uint64_t got = 0;
  std::uint64_t first = pristine::kNotYet;
  for (std::uint64_t chunk = 1; got < wanted; chunk = chunk * 7 % 509 + 1) {
    const std::uint64_t ask = chunk < wanted - got ? chunk : wanted - got;
    const Result r = read(fd, buffer, ask);
    if (!r.ok() || r.value <= 0 || static_cast<std::uint64_t>(r.value) > ask) return 141;
    if (first == pristine::kNotYet) {
      DeviceStats stats{};
      if (!device_stats(fd, stats).ok() || stats.first_delivered == pristine::kNotYet) return 142;
      first = stats.first_delivered;
    }
    for (std::int64_t i = 0; i < r.value; ++i) {
      if (buffer[i] != pristine::uart_payload_byte(first + got + static_cast<std::uint64_t>(i))) return 143;
    }
    got += static_cast<std::uint64_t>(r.value);
    // A copy that faults takes nothing: the bytes stay for the next read.
    const Result ready = ioctl(fd, pristine::kIoctlBytesAvailable);
    if (!ready.ok()) return 144;
    if (ready.value > 0) {
      if (!read(fd, reinterpret_cast<void*>(guard), 1).is(EFAULT)) return 145;
      const Result still = ioctl(fd, pristine::kIoctlBytesAvailable);
      if (!still.ok() || still.value < ready.value) return 146;
    }
  }
  DeviceStats stats{};
  if (!device_stats(fd, stats).ok() || stats.reader_overflow != 0 || stats.read < got) return 147;
  return 0;
}

// 30-39: non-blocking reads, flush, close and open again.
std::int64_t check_non_blocking(std::uint64_t fd) {
  if (!ioctl(fd, pristine::kIoctlSetNonBlocking, 1).ok()) return 130;
  // Input keeps coming: a byte may land between the flush and the read, so
  // flush and try again; a few tries must find the buffer empty.
  bool saw_again = false;
  char buffer[64];
  for (int attempt = 0; attempt < 8 && !saw_again; ++attempt) {
    const Result flushed = ioctl(fd, pristine::kIoctlFlushInput);
    if (!flushed.ok() || flushed.value < 0) return 131;
    const Result r = read(fd, buffer, sizeof buffer);
    saw_again = r.is(EAGAIN);
    if (!saw_again && (!r.ok() || r.value <= 0)) return 132;
  }
  if (!saw_again) return 133;
  if (!ioctl(fd, pristine::kIoctlSetNonBlocking, 0).ok()) return 134;
  // Closed: the descriptor is gone; the device opens again, for anyone.
  if (!close(fd).ok() || !close(fd).is(EBADF) || !ioctl(fd, pristine::kIoctlFlushInput).is(EBADF)) return 135;
  const Result again = open("dev/uart0");
  if (!again.ok()) return 136;
  DeviceStats stats{};
  if (!device_stats(static_cast<std::uint64_t>(again.value), stats).ok()) return 137;
  if (!close(static_cast<std::uint64_t>(again.value)).ok()) return 138;
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_devio_main) {
  const auto counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~std::uint64_t{0xFFF};
  const std::uint64_t guard = counter_page - PRISTINE_USER_STACK_SIZE - PRISTINE_USER_GUARD_SIZE;
  if (const std::int64_t failed = check_without_device(); failed != 0) return failed;
  if (start.arg == 0) {
    // 6: no driver, no device.
    if (!open("dev/uart0").is(ENODEV)) return 106;
    *start.counter = 1;
  } else {
    const Result fd = open("dev/uart0");
    if (!fd.ok()) return 107;
    const auto d = static_cast<std::uint64_t>(fd.value);
    if (const std::int64_t failed = check_requests(d, guard); failed != 0) return failed;
    if (const std::int64_t failed = check_input(d, start.arg, guard); failed != 0) return failed;
    if (const std::int64_t failed = check_non_blocking(d); failed != 0) return failed;
    *start.counter = start.arg;
  }
  for (;;) yield();
}
