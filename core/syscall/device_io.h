// Device files (docs/files.md, "Devices"; docs/drivers.md, "Device I/O"): the
// names, ioctl requests and the statistics struct ring 3 and the kernel share.
// An ABI: request numbers are never reused, DeviceStats grows at the end only.
#pragma once

#include <cstdint>

#include "core/syscall/abi_sizes.h"

namespace pristine {

// A device's file name is this prefix and its driver's name
// (core/drivers/driver_list.def): "dev/uart0". No image file can take it:
// an image file's name has no '/' (docs/files.md).
inline constexpr char kDevicePrefix[] = "dev/";
inline constexpr std::uint64_t kDevicePrefixLength = sizeof kDevicePrefix - 1;

// ioctl(fd, request, argument) on a device. Any other request, and any
// request on an image file, is -ENOTTY.
enum DeviceRequest : std::uint64_t {
  kIoctlGetStats = 1,        // argument: a DeviceStats to fill; returns its size
  kIoctlBytesAvailable = 2,  // argument 0; returns the bytes a read would take now
  kIoctlSetNonBlocking = 3,  // argument 0 or 1: a read that finds nothing returns -EAGAIN (1) or blocks (0); returns 0
  kIoctlFlushInput = 4,      // argument 0; drops the bytes waiting for a read; returns how many
};

// Most bytes one fd_write hands a device (a longer request is a short write,
// as POSIX allows): half a 16550 transmit FIFO. A register write costs 30
// modeled cycles; a whole FIFO's 16 took the call to 1117 cycles, past the
// 1000-cycle gate.
inline constexpr std::uint64_t kMaxDeviceWrite = 8;

// kIoctlGetStats: the driver's counters (uart0: core/drivers/uart.h) and the
// reader's. Every field counts bytes but `interrupts`.
struct DeviceStats {
  std::uint64_t size;         // bytes the kernel filled (this struct's size)
  std::uint64_t interrupts;   // top halves run
  std::uint64_t captured;     // taken from the device by the top half
  std::uint64_t dropped;      // lost on the way to the bottom half (its ring was full) or in the device (overruns reported)
  std::uint64_t consumed;     // processed by the bottom half (the stream position: byte k of the input is the k-th consumed)
  std::uint64_t delivered;    // of those, queued for a reader (only while the device is open)
  std::uint64_t reader_overflow;  // of those consumed while open, dropped: the reader's buffer was full
  std::uint64_t read;         // handed to ring 3 by read
  std::uint64_t flushed;      // dropped from the reader's buffer (kIoctlFlushInput, close, open)
  std::uint64_t available;    // waiting for a read now
  std::uint64_t transmitted;  // written to the device by fd_write
  std::uint64_t transmit_busy;  // fd_write calls that found the transmitter full (-EAGAIN)
  // The input stream's position (a `consumed` count) of the first byte
  // queued for the current holder: the k-th byte it reads is the stream's
  // byte first_delivered + k while reader_overflow stays 0. kNotYet before
  // the first.
  std::uint64_t first_delivered;
};
inline constexpr std::uint64_t kNotYet = ~std::uint64_t{0};

static_assert(sizeof(DeviceStats) == PRISTINE_DEVICE_STATS_SIZE, "DeviceStats is an ABI: add fields at the end only");

}  // namespace pristine
