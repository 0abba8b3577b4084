// nic0: the receive side of an Intel 82540EM (e1000) Ethernet controller
// (e1000_registers.h), the same source on both boards. The device writes
// each packet into a buffer of a descriptor ring in kernel memory (DMA) and
// marks the descriptor done; the top half only acknowledges the interrupt
// (one ICR read) and wakes the bottom half, which walks the done descriptors
// in its kernel thread: it counts the packets and their bytes, folds the
// bytes into a checksum the reports print, and gives each descriptor back to
// the device. Interrupt moderation (ITR) bounds the interrupt rate under a
// packet storm: packets that arrive within the interval share one interrupt.
// docs/drivers.md.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/drivers/e1000_registers.h"
#include "core/drivers/checksum.h"

namespace pristine::nic {

// What the driver saw, read by the reports (the PC's shutdown report; the
// simulator reads it from guest memory by symbol, pristine_nic0). Each
// counter has one writer: the top half's CPU or the bottom-half thread.
struct NicStats {
  std::atomic<std::uint64_t> interrupts;   // top halves run
  std::atomic<std::uint64_t> overruns;     // interrupts whose cause said the device missed packets (ICR.RXO)
  std::atomic<std::uint64_t> packets;      // packets the bottom half processed
  std::atomic<std::uint64_t> bytes;        // their bytes
  std::atomic<std::uint64_t> checksum;     // FNV-1a (64-bit, as uart0's) of those bytes, in order
  std::atomic<std::uint64_t> bad_descriptors;  // done descriptors without EOP or longer than a buffer (skipped)
  std::atomic<std::uint64_t> bottom_half_runs;
};

using drivers::checksum_step;
using drivers::kChecksumSeed;

// The ring: descriptors and their buffers are static kernel memory, given to
// the device by physical address (machine::dma_address) at start; nothing is
// allocated at run time. 32 descriptors of 1024 bytes hold a burst of 31
// packets (the device fills up to, not including, the tail).
inline constexpr std::uint32_t kDescriptorCount = 32;
inline constexpr std::uint32_t kBufferSize = 1024;
inline constexpr std::uint32_t kRctlBufferSize = e1000::kRctlBufferSize1024;
static_assert(e1000::receive_buffer_size(kRctlBufferSize) == kBufferSize);
static_assert(kDescriptorCount * sizeof(e1000::RxDescriptor) % 128 == 0, "RDLEN is a multiple of 128");
// Interrupt moderation: at least 196 x 256 ns (50.2 us) between two
// interrupts, at most about 20000 a second (Linux's e1000 allows 8000 by
// default). A 32-descriptor ring fills in that interval only above about
// 600000 packets a second.
inline constexpr std::uint32_t kInterruptThrottle = 196;

struct NicDevice {
  NicStats stats;
  std::uint32_t next;  // the next descriptor the bottom half looks at (bottom half only)
  alignas(128) e1000::RxDescriptor ring[kDescriptorCount];
  alignas(64) std::uint8_t buffers[kDescriptorCount][kBufferSize];
};

// Cold: the ring, moderation, the receive interrupts and the receiver.
void start();
// Hot (interrupt path): acknowledge (read ICR). True if packets came in
// (RXT0) or were missed (RXO): the bottom half has descriptors to walk.
bool top_half();
// The bottom half (kernel thread): process every done descriptor, in order,
// and give each back to the device.
void bottom_half();

}  // namespace pristine::nic

extern "C" pristine::nic::NicDevice pristine_nic0;
