#include "core/drivers/nic.h"

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/stats/relaxed_counter.h"

constinit pristine::nic::NicDevice pristine_nic0 = {};

namespace pristine::nic {
namespace {

std::uint32_t low(std::uint64_t value) { return static_cast<std::uint32_t>(value); }
std::uint32_t high(std::uint64_t value) { return static_cast<std::uint32_t>(value >> 32); }

}  // namespace

void start() {
  NicDevice& nic = pristine_nic0;
  nic.stats.checksum.store(kChecksumSeed, std::memory_order_relaxed);
  // Quiet first: every cause masked and acknowledged, the receiver off.
  machine::nic_write(e1000::kImc, ~0u);
  machine::nic_write(e1000::kRctl, 0);
  (void)machine::nic_read(e1000::kIcr);
  for (std::uint32_t i = 0; i < kDescriptorCount; ++i) {
    nic.ring[i] = {.buffer_address = machine::dma_address(nic.buffers[i]), .length = 0, .checksum = 0,
                   .status = 0, .errors = 0, .special = 0};
  }
  nic.next = 0;
  const std::uint64_t ring = machine::dma_address(nic.ring);
  machine::nic_write(e1000::kRdbal, low(ring));
  machine::nic_write(e1000::kRdbah, high(ring));
  machine::nic_write(e1000::kRdlen, sizeof nic.ring);
  // No descriptor for the device yet (head == tail): the ring is given last.
  machine::nic_write(e1000::kRdh, 0);
  machine::nic_write(e1000::kRdt, 0);
  // No per-packet delay timers (RDTR, RADV): ITR alone moderates.
  machine::nic_write(e1000::kRdtr, 0);
  machine::nic_write(e1000::kRadv, 0);
  machine::nic_write(e1000::kItr, kInterruptThrottle);
  machine::nic_write(e1000::kCtrl, machine::nic_read(e1000::kCtrl) | e1000::kCtrlSetLinkUp);
  machine::nic_write(e1000::kIms, e1000::kIntRxt0 | e1000::kIntRxo);
  // Every frame (the scenario's packets carry no particular address), the
  // CRC stripped: a descriptor's length is the frame's.
  machine::nic_write(e1000::kRctl, e1000::kRctlEnable | e1000::kRctlUnicastPromiscuous |
                                       e1000::kRctlMulticastPromiscuous | e1000::kRctlBroadcastAccept |
                                       kRctlBufferSize | e1000::kRctlStripCrc);
  // Then the descriptors: the device owns head .. tail - 1, all but one
  // (head == tail is an empty ring to it, not a full one). In this order (the
  // manual's, and Linux's) a packet the device held while the receiver was
  // off is received now, not discarded: QEMU's e1000 delivers what it queued
  // when RDT moves, and drops it if RCTL.EN is still clear then.
  machine::nic_write(e1000::kRdt, kDescriptorCount - 1);
}

// One register read, whatever the device holds: the descriptors themselves
// are the queue (the device publishes a packet by setting its descriptor's
// DD bit), so there is nothing to copy here, and reading ICR clears the
// causes, which deasserts the line.
PRISTINE_HOT bool top_half() {
  NicDevice& nic = pristine_nic0;
  bump(nic.stats.interrupts);
  const std::uint32_t cause = machine::nic_read(e1000::kIcr);
  if (PRISTINE_UNLIKELY(cause & e1000::kIntRxo)) bump(nic.stats.overruns);
  return (cause & (e1000::kIntRxt0 | e1000::kIntRxo)) != 0;
}

void bottom_half() {
  NicDevice& nic = pristine_nic0;
  std::uint64_t sum = nic.stats.checksum.load(std::memory_order_relaxed);
  std::uint64_t packets = nic.stats.packets.load(std::memory_order_relaxed);
  std::uint64_t bytes = nic.stats.bytes.load(std::memory_order_relaxed);
  std::uint32_t i = nic.next;
  for (;;) {
    e1000::RxDescriptor& d = nic.ring[i];
    // The device writes the descriptor's status last: acquire, then the rest.
    const std::uint8_t status = std::atomic_ref<std::uint8_t>(d.status).load(std::memory_order_acquire);
    if (!(status & e1000::kRxStatusDone)) break;
    const std::uint32_t length = d.length;
    if (PRISTINE_LIKELY((status & e1000::kRxStatusEndOfPacket) && length <= kBufferSize)) {
      const std::uint8_t* data = nic.buffers[i];
      for (std::uint32_t k = 0; k < length; ++k) sum = checksum_step(sum, data[k]);
      ++packets;
      bytes += length;
    } else {
      bump(nic.stats.bad_descriptors);  // a packet split over buffers: not one this driver programs for
    }
    d.status = 0;
    // Give it back: the device may fill up to, not including, the new tail,
    // so this descriptor is the device's again only once the next is done.
    std::atomic_thread_fence(std::memory_order_release);
    machine::nic_write(e1000::kRdt, i);
    i = (i + 1) % kDescriptorCount;
  }
  nic.next = i;
  nic.stats.checksum.store(sum, std::memory_order_relaxed);
  nic.stats.bytes.store(bytes, std::memory_order_relaxed);
  nic.stats.packets.store(packets, std::memory_order_relaxed);
  bump(nic.stats.bottom_half_runs);
}

}  // namespace pristine::nic
