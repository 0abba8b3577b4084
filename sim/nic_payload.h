// The packets a nic0 source sends: packet k's length and bytes, the same for
// the simulator's model (sim/nic_model.h) and for the packets `pristine
// boot` feeds QEMU's e1000, so a run's checksum is known in advance on both.
// Lengths run from an Ethernet minimum frame (60 bytes without its CRC) to
// 571, within the driver's 1024-byte buffers; the bytes are those of
// uart_payload_byte, from a different place in its stream for each packet.
#pragma once

#include <cstdint>

#include "core/drivers/uart_payload.h"

namespace pristine::sim {

inline constexpr std::uint32_t kNicMinimumLength = 60;
inline constexpr std::uint32_t kNicMaximumLength = kNicMinimumLength + 511;

constexpr std::uint32_t nic_packet_length(std::uint64_t k) {
  const std::uint32_t spread = static_cast<std::uint32_t>(uart_payload_byte(~k)) |
                               (static_cast<std::uint32_t>(uart_payload_byte(k ^ 0x5555)) & 1u) << 8;
  return kNicMinimumLength + spread;
}

constexpr std::uint8_t nic_payload_byte(std::uint64_t k, std::uint32_t i) {
  return uart_payload_byte((k << 12) + i);
}

}  // namespace pristine::sim
