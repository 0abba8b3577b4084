// The bytes a uart0 source sends: byte k of the stream, the same for the
// simulator's model (sim/uart_model.h), for the bytes `pristine boot` feeds
// QEMU's serial port, so a run's checksum is known in advance on both, and
// for the ring-3 program that reads them through the device file
// (syscall-devio), which checks each byte it reads against it.
// Every value 0-255 occurs (a driver that mishandles one byte value shows).
#pragma once

#include <cstdint>

namespace pristine {

constexpr std::uint8_t uart_payload_byte(std::uint64_t k) {
  std::uint64_t x = (k + 1) * 0x9E3779B97F4A7C15ull;  // one splitmix64 round
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint8_t>(x ^ (x >> 31));
}

}  // namespace pristine
