#include "hw-x86_64/pc/serial.h"

#include "core/drivers/uart_registers.h"
#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {
namespace {

void put(char c) {
  while ((x86::inb(kCom1 + uart::kLineStatus) & uart::kTransmitHoldingEmpty) == 0) {
  }
  x86::outb(kCom1 + uart::kData, static_cast<std::uint8_t>(c));
}

}  // namespace

void serial_init() {
  // No interrupts: the console is polled (uart0's driver enables receive
  // interrupts when a scenario uses it, core/drivers/uart.cpp).
  x86::outb(kCom1 + uart::kInterruptEnable, 0x00);
  x86::outb(kCom1 + uart::kLineControl, 0x80);  // DLAB on: registers 0-1 are the divisor
  x86::outb(kCom1 + 0, 0x01);                   // 115200 baud
  x86::outb(kCom1 + 1, 0x00);
  x86::outb(kCom1 + uart::kLineControl, 0x03);  // 8N1, DLAB off
  x86::outb(kCom1 + uart::kFifoControl, 0xC7);  // FIFO on, cleared
  x86::outb(kCom1 + uart::kModemControl, 0x03); // DTR, RTS
}

void serial_write(const char* text, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') put('\r');
    put(text[i]);
  }
}

}  // namespace pristine::pc
