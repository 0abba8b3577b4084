#include "hw-x86_64/pc/serial.h"

#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {
namespace {

constexpr std::uint16_t kCom1 = 0x3F8;
constexpr std::uint8_t kLineStatusTxEmpty = 0x20;

void put(char c) {
  while ((x86::inb(kCom1 + 5) & kLineStatusTxEmpty) == 0) {
  }
  x86::outb(kCom1, static_cast<std::uint8_t>(c));
}

}  // namespace

void serial_init() {
  x86::outb(kCom1 + 1, 0x00);  // no UART interrupts: the console is polled
  x86::outb(kCom1 + 3, 0x80);  // DLAB on
  x86::outb(kCom1 + 0, 0x01);  // 115200 baud
  x86::outb(kCom1 + 1, 0x00);
  x86::outb(kCom1 + 3, 0x03);  // 8N1
  x86::outb(kCom1 + 2, 0xC7);  // FIFO on, cleared
  x86::outb(kCom1 + 4, 0x03);  // DTR, RTS
}

void serial_write(const char* text, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') put('\r');
    put(text[i]);
  }
}

}  // namespace pristine::pc
