#include "sim/uart_model.h"

#include "core/drivers/uart.h"
#include "core/drivers/uart_registers.h"
#include "hw-sim/board_registers.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

void UartModel::attach(SimCpu& cpu) {
  window_.attach(*this, cpu, board_physical::kUart, sim_board::kUartSize, "uc_mmio_map(uart0)");
}

void UartModel::receive(SimCpu& target, std::uint8_t byte) {
  target_ = &target;
  ++totals_.arrived;
  const std::size_t depth = fifo_enabled_ ? uart::kFifoDepth : 1;
  if (fifo_.size() >= depth) {
    ++totals_.overruns;
    overrun_pending_ = true;
    // FIFO on: the byte in the shift register is lost. FIFO off: it
    // overwrites the holding register (the newest byte survives), as QEMU's.
    if (fifo_enabled_) return;
    fifo_.pop_front();
  }
  fifo_.push_back(byte);
  update_line();
}

bool UartModel::line_wanted() const { return (interrupt_enable_ & uart::kEnableReceiveInterrupt) && !fifo_.empty(); }

// A rising line raises the vector; a falling one deasserts it, so the EOI
// does not raise it again.
void UartModel::update_line() {
  if (!target_) return;
  const bool asserted = target_->level_asserted.test(vector_);
  if (line_wanted() && !asserted) {
    target_->level_asserted.set(vector_);
    raise_interrupt(*target_, vector_);
    target_->poll_interrupt_flag = true;
  } else if (!line_wanted() && asserted) {
    target_->level_asserted.reset(vector_);
  }
}

std::uint8_t UartModel::read(SimCpu& cpu, std::uint64_t reg) {
  cpu.cycles += costs_.board_register_read;
  // LCR.DLAB: registers 0 and 1 are the baud-rate divisor latch.
  if ((line_control_ & uart::kDivisorLatchAccess) && reg <= uart::kInterruptEnable) return divisor_[reg];
  switch (reg) {
    case uart::kData: {
      if (fifo_.empty()) return 0;
      const std::uint8_t byte = fifo_.front();
      fifo_.pop_front();
      ++totals_.read;
      totals_.checksum_of_read =
          uart::checksum_step(totals_.read == 1 ? uart::kChecksumSeed : totals_.checksum_of_read, byte);
      update_line();
      return byte;
    }
    case uart::kInterruptEnable: return interrupt_enable_;
    case uart::kInterruptId: {
      const std::uint8_t fifos = fifo_enabled_ ? uart::kFifosEnabled : 0;
      return fifos | (line_wanted() ? uart::kReceiveDataAvailable : uart::kNoInterruptPending);
    }
    case uart::kLineControl: return line_control_;
    case uart::kModemControl: return modem_control_;
    case uart::kLineStatus: {
      transmit_until(cpu.cycles);
      std::uint8_t status = transmit_pending_ == 0 ? uart::kTransmitHoldingEmpty | uart::kTransmitterEmpty : 0;
      if (!fifo_.empty()) status |= uart::kDataReady;
      if (overrun_pending_) status |= uart::kOverrunError;
      overrun_pending_ = false;  // reading LSR clears its error bits
      return status;
    }
    case uart::kScratch: return scratch_;
    default: return 0;
  }
}

void UartModel::write(SimCpu& cpu, std::uint64_t reg, std::uint8_t value) {
  cpu.cycles += costs_.board_register_write;
  if ((line_control_ & uart::kDivisorLatchAccess) && reg <= uart::kInterruptEnable) {
    divisor_[reg] = value;
    return;
  }
  switch (reg) {
    case uart::kData: {  // transmit (the board's console is its own register)
      transmit_until(cpu.cycles);
      const std::uint32_t depth = fifo_enabled_ ? uart::kFifoDepth : 1;
      if (transmit_pending_ >= depth) {
        ++totals_.transmit_lost;
        break;
      }
      if (transmit_pending_++ == 0) transmit_clock_ = cpu.cycles;
      ++totals_.transmitted;
      totals_.transmit_checksum = uart::checksum_step(totals_.transmit_checksum, value);
      break;
    }
    case uart::kInterruptEnable: interrupt_enable_ = value & 0x0F; break;
    case uart::kFifoControl:
      // Turning the FIFOs on or off clears them (PC16550D; QEMU's serial too).
      if (((value & uart::kFifoEnable) != 0) != fifo_enabled_) value |= uart::kFifoClearReceive;
      fifo_enabled_ = (value & uart::kFifoEnable) != 0;
      if (value & uart::kFifoClearTransmit) transmit_pending_ = 0;
      if (value & uart::kFifoClearReceive) {
        totals_.cleared += fifo_.size();
        fifo_.clear();
      }
      break;
    case uart::kLineControl: line_control_ = value; break;
    case uart::kModemControl: modem_control_ = value & 0x1F; break;
    case uart::kScratch: scratch_ = value; break;
    default: break;
  }
  update_line();
}

// Each CPU has its own clock: a transmitter ahead of the accessing CPU's
// clock has sent nothing more yet.
void UartModel::transmit_until(Cycles now) {
  if (transmit_pending_ == 0 || now <= transmit_clock_) return;
  const std::uint64_t sent = (now - transmit_clock_) / kTransmitCyclesPerByte;
  if (sent >= transmit_pending_) {
    transmit_pending_ = 0;
    return;
  }
  transmit_pending_ -= static_cast<std::uint32_t>(sent);
  transmit_clock_ = Cycles{transmit_clock_ + sent * kTransmitCyclesPerByte};
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
