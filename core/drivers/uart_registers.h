// The 16550 UART's register interface (National Semiconductor PC16550D data
// sheet; the same in QEMU's serial device and in the simulated board's model,
// sim/uart_model.cpp). Offsets are register numbers: the PC adds them to the
// I/O port base, the simulated board to its MMIO base (a board matter:
// machine::uart_read/uart_write).
#pragma once

#include <cstdint>

namespace pristine::uart {

enum Register : std::uint8_t {
  kData = 0,             // read: receive buffer (RBR); write: transmit holding (THR)
  kInterruptEnable = 1,  // IER
  kInterruptId = 2,      // read: IIR
  kFifoControl = 2,      // write: FCR
  kLineControl = 3,      // LCR
  kModemControl = 4,     // MCR
  kLineStatus = 5,       // LSR
  kModemStatus = 6,      // MSR
  kScratch = 7,
};
inline constexpr unsigned kRegisterCount = 8;

// IER
inline constexpr std::uint8_t kEnableReceiveInterrupt = 0x01;  // ERBFI: data available
// FCR
inline constexpr std::uint8_t kFifoEnable = 0x01;
inline constexpr std::uint8_t kFifoClearReceive = 0x02;
inline constexpr std::uint8_t kFifoClearTransmit = 0x04;
// (bits 6-7 = 0: receive trigger level 1 byte, an interrupt per arrival)
inline constexpr unsigned kFifoDepth = 16;
// IIR (FIFO mode sets bits 6-7)
inline constexpr std::uint8_t kNoInterruptPending = 0x01;
inline constexpr std::uint8_t kReceiveDataAvailable = 0x04;
inline constexpr std::uint8_t kFifosEnabled = 0xC0;
// LCR
inline constexpr std::uint8_t kDivisorLatchAccess = 0x80;  // DLAB: registers 0-1 are the divisor
// MCR
inline constexpr std::uint8_t kOut2 = 0x08;  // on a PC, gates the UART's interrupt onto the bus
// LSR
inline constexpr std::uint8_t kDataReady = 0x01;
inline constexpr std::uint8_t kOverrunError = 0x02;
inline constexpr std::uint8_t kTransmitHoldingEmpty = 0x20;
inline constexpr std::uint8_t kTransmitterEmpty = 0x40;

}  // namespace pristine::uart
