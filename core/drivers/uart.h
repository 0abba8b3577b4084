// uart0: the receive path of a 16550 UART (uart_registers.h), the same
// source on both boards. The top half drains the receive FIFO into a ring;
// the bottom half, in the driver's kernel thread, consumes the ring: it
// counts the bytes and folds them into a checksum the reports print, so a
// lost, duplicated or reordered byte shows. docs/drivers.md.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/drivers/byte_ring.h"
#include "core/drivers/checksum.h"
#include "core/fs/open_file.h"
#include "core/types.h"

namespace pristine {
struct CpuLocal;
struct Task;
struct TrapFrame;
}  // namespace pristine

namespace pristine::uart {

// What the driver saw, read by the reports (the PC's shutdown report; the
// simulator reads it from guest memory by symbol, pristine_uart0). Each
// counter has one writer: the top half's CPU or the bottom-half thread.
struct UartStats {
  std::atomic<std::uint64_t> interrupts;  // top halves run
  std::atomic<std::uint64_t> captured;    // bytes the top half took from the FIFO
  std::atomic<std::uint64_t> ring_full;   // of those, dropped: the bottom half's ring was full
  std::atomic<std::uint64_t> overruns;    // overrun errors the device reported (it dropped bytes)
  std::atomic<std::uint64_t> consumed;    // bytes the bottom half processed
  std::atomic<std::uint64_t> checksum;    // FNV-1a (64-bit) of the consumed bytes, in order
  std::atomic<std::uint64_t> bottom_half_runs;
  // Device I/O (docs/drivers.md, "Device I/O"). Written by the bottom half:
  std::atomic<std::uint64_t> delivered;        // of the consumed bytes, queued for the device's reader
  std::atomic<std::uint64_t> reader_overflow;  // consumed while open, dropped: the reader's buffer was full
  // Written by the task that holds the device open (one at a time):
  std::atomic<std::uint64_t> read;             // bytes `read` handed to ring 3
  std::atomic<std::uint64_t> flushed;          // bytes dropped from the reader's buffer (flush, close, open)
  std::atomic<std::uint64_t> transmitted;      // bytes fd_write wrote to THR
  std::atomic<std::uint64_t> transmit_checksum;  // FNV-1a of them, in order
  std::atomic<std::uint64_t> transmit_busy;    // fd_write calls that found the transmitter full
  std::atomic<std::uint64_t> write_overruns;   // overrun errors fd_write's LSR read reported (reading LSR clears them)
};

using drivers::checksum_step;
using drivers::kChecksumSeed;

inline constexpr std::uint32_t kRingSize = 1024;
// Bytes one top half takes at most. Each costs two register reads (status,
// data), about 100 modeled cycles; two keep the worst path (a drain that also
// wakes the bottom half and switches to it) under the 1000-cycle budget. The
// level line brings the top half back for the rest (docs/drivers.md).
inline constexpr unsigned kBytesPerInterrupt = 2;

// The reader's side (device I/O): bytes the bottom half queues while a task
// holds the device open, until its `read` takes them.
inline constexpr std::uint32_t kReceiveBufferSize = 1024;

struct UartReader {
  std::atomic<std::uint32_t> owner;    // 0: closed; else the holder's task slot + 1
  std::atomic<std::uint32_t> waiting;  // 1: the holder blocks (or is about to) in read, empty-handed
  std::atomic<std::uint64_t> first_delivered;  // the stream position of the holder's first byte (DeviceStats)
  drivers::ByteRing<kReceiveBufferSize> buffer;  // bottom half -> read
};

struct UartDevice {
  UartStats stats;
  drivers::ByteRing<kRingSize> ring;  // top half -> bottom half
  UartReader reader;
};

// Cold: FIFO on (trigger level 1 byte), receive interrupt on, OUT2 set.
void start();
// Hot (interrupt path): take what the FIFO holds, at most kBytesPerInterrupt.
// True if bytes were queued for the bottom half.
bool top_half();
// The bottom half (kernel thread): consume every queued byte; while the
// device is open, queue each for the reader too.
void bottom_half();

// Device I/O: the operations of the device file "dev/uart0"
// (core/drivers/device_files.h checks the descriptor and dispatches here).
// Each returns the call's result or a negative error.
std::int64_t open(Task& task);           // -EBUSY: held open already
void close(Task& task);
// read: the bytes waiting, or blocks (result -EINTR: call again) when there
// are none; -EAGAIN instead for a non-blocking descriptor.
TrapFrame* read(CpuLocal& cpu, TrapFrame* frame, Cycles now, const fs::OpenFile& file, VirtAddr buffer,
                std::uint64_t length, std::int64_t& result);
std::int64_t write(VirtAddr buffer, std::uint64_t length);
std::int64_t ioctl(fs::OpenFile& file, std::uint64_t request, std::uint64_t argument);
std::uint64_t available();
// The kernel-wait path: wake the reader if it blocked empty-handed and the
// bottom half queued bytes since.
void wake_reader(CpuLocal& cpu, Cycles now);

}  // namespace pristine::uart

extern "C" pristine::uart::UartDevice pristine_uart0;
