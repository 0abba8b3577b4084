#include "core/drivers/uart.h"

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/drivers/uart_registers.h"
#include "core/stats/relaxed_counter.h"

constinit pristine::uart::UartDevice pristine_uart0 = {};

namespace pristine::uart {

void start() {
  pristine_uart0.stats.checksum.store(kChecksumSeed, std::memory_order_relaxed);
  // FIFO on, receive trigger at 1 byte. Nothing is cleared: what the device
  // holds already is input like the rest (a FIFO that was on stays intact).
  machine::uart_write(kFifoControl, kFifoEnable);
  machine::uart_write(kModemControl, static_cast<std::uint8_t>(machine::uart_read(kModemControl) | kOut2));
  machine::uart_write(kInterruptEnable, kEnableReceiveInterrupt);
}

// Bounded: at most kBytesPerInterrupt bytes, so a full FIFO cannot stretch
// the path past its budget; the line is level-triggered on both boards, so
// bytes left behind raise it again right after the EOI.
PRISTINE_HOT bool top_half() {
  UartDevice& uart = pristine_uart0;
  bump(uart.stats.interrupts);
  std::uint64_t queued = 0;
  std::uint64_t dropped = 0;
  for (unsigned i = 0; i < kBytesPerInterrupt; ++i) {
    const std::uint8_t status = machine::uart_read(kLineStatus);
    if (PRISTINE_UNLIKELY(status & kOverrunError)) bump(uart.stats.overruns);
    if (!(status & kDataReady)) break;
    if (PRISTINE_LIKELY(uart.ring.push(machine::uart_read(kData)))) {
      ++queued;
    } else {
      ++dropped;
    }
  }
  if (PRISTINE_UNLIKELY(dropped != 0)) add(uart.stats.ring_full, dropped);
  add(uart.stats.captured, queued);
  return queued != 0;
}

void bottom_half() {
  UartDevice& uart = pristine_uart0;
  std::uint64_t sum = uart.stats.checksum.load(std::memory_order_relaxed);
  std::uint64_t consumed = uart.stats.consumed.load(std::memory_order_relaxed);
  std::uint8_t byte;
  while (uart.ring.pop(byte)) {
    sum = checksum_step(sum, byte);
    ++consumed;
  }
  uart.stats.checksum.store(sum, std::memory_order_relaxed);
  uart.stats.consumed.store(consumed, std::memory_order_relaxed);
  bump(uart.stats.bottom_half_runs);
}

}  // namespace pristine::uart
