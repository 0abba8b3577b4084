// uart0 on the simulated board: the receive side of a 16550 UART, with the
// register interface the driver programs (core/drivers/uart_registers.h), so
// the simulator and QEMU run the same driver source. Bytes arrive from a
// scenario source (`driver = "uart0"`, one byte per arrival, values from
// uart_payload.h); a 16-byte FIFO holds them until the driver reads them,
// and a byte that finds it full is lost and reported as an overrun, as on the
// chip. Its transmitter takes bytes written to THR into a 16-byte FIFO (1
// while the FIFO is off) and sends one every kTransmitCyclesPerByte; LSR.THRE
// and TEMT are set while it is empty; a byte written to a full FIFO is lost,
// counted (QEMU's serial device instead stops reading its input while the FIFO
// is full, so a PC run never overruns: the simulator keeps the arrival
// times, and with them the chip's losses). The interrupt line is level: asserted while the receive interrupt is
// enabled and the FIFO holds data, re-raised after an EOI while it stays
// asserted (sim/sim_board.cpp).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "sim/guest_arch.h"
#include "core/drivers/uart.h"
#include "sim/board_costs.h"
#include "sim/register_window.h"
#include "sim/sim_cpu.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct UartTotals {
  std::uint64_t arrived = 0;   // bytes the line delivered
  std::uint64_t overruns = 0;  // of those, lost: the FIFO was full
  std::uint64_t read = 0;      // bytes the guest read from the FIFO
  std::uint64_t cleared = 0;   // bytes the guest discarded (FCR "clear receive FIFO")
  std::uint64_t checksum_of_read = 0;  // FNV-1a of the bytes read, in order (core/drivers/uart.h)
  // The transmitter (device I/O: fd_write on "dev/uart0").
  std::uint64_t transmitted = 0;    // bytes written to THR that the transmit FIFO took
  std::uint64_t transmit_lost = 0;  // bytes written to THR while the transmit FIFO was full: lost, as on the chip
  std::uint64_t transmit_checksum = uart::kChecksumSeed;  // FNV-1a of the bytes it took, in order
};

// The transmitter sends a byte every this many modeled cycles (1.6 M bytes/s
// at 2 GHz: a fast on-chip UART, like the receive side's arrival rates).
inline constexpr Cycles kTransmitCyclesPerByte = 1250;

class UartModel {
 public:
  // `line` raises `vector` on `target` (the CPU the source names).
  UartModel(const BoardCosts& costs, Vector vector) : costs_(costs), vector_(vector) {}

  // Map the register page into `cpu`'s engine.
  void attach(SimCpu& cpu);
  // A byte arrives on the line for `target`'s interrupt controller.
  void receive(SimCpu& target, std::uint8_t byte);

  const UartTotals& totals() const { return totals_; }
  std::uint32_t fifo_level() const { return static_cast<std::uint32_t>(fifo_.size()); }

  using Register = std::uint8_t;  // the registers' width
  Register read(SimCpu& cpu, std::uint64_t reg);
  void write(SimCpu& cpu, std::uint64_t reg, std::uint8_t value);

 private:
  bool line_wanted() const;
  void update_line();
  // The transmitter's progress up to `now`: the bytes sent since leave its FIFO.
  void transmit_until(Cycles now);

  RegisterWindow<UartModel> window_;
  BoardCosts costs_;
  Vector vector_;
  SimCpu* target_ = nullptr;  // the CPU its line raises on (set by the first arrival)
  std::deque<std::uint8_t> fifo_;
  bool fifo_enabled_ = false;
  bool overrun_pending_ = false;  // LSR.OE until the next LSR read
  std::uint8_t interrupt_enable_ = 0;
  std::uint8_t line_control_ = 0;
  std::uint8_t modem_control_ = 0;
  std::uint8_t scratch_ = 0;
  std::uint8_t divisor_[2] = {};  // the divisor latch, low and high (LCR.DLAB)
  std::uint32_t transmit_pending_ = 0;  // bytes in the transmit FIFO (THR), not yet sent
  Cycles transmit_clock_ = 0;           // when the byte at the FIFO's head started sending
  UartTotals totals_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
