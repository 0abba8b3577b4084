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
};

using drivers::checksum_step;
using drivers::kChecksumSeed;

inline constexpr std::uint32_t kRingSize = 1024;
// Bytes one top half takes at most. Each costs two register reads (status,
// data), about 100 modeled cycles; two keep the worst path (a drain that also
// wakes the bottom half and switches to it) under the 1000-cycle budget. The
// level line brings the top half back for the rest (docs/drivers.md).
inline constexpr unsigned kBytesPerInterrupt = 2;

struct UartDevice {
  UartStats stats;
  drivers::ByteRing<kRingSize> ring;  // top half -> bottom half
};

// Cold: FIFO on (trigger level 1 byte), receive interrupt on, OUT2 set.
void start();
// Hot (interrupt path): take what the FIFO holds, at most kBytesPerInterrupt.
// True if bytes were queued for the bottom half.
bool top_half();
// The bottom half (kernel thread): consume every queued byte.
void bottom_half();

}  // namespace pristine::uart

extern "C" pristine::uart::UartDevice pristine_uart0;
