#include "hw-aarch64/virt/pl011.h"

#include "hw-aarch64/virt/board_layout.h"

namespace pristine::virt {
namespace {

// PL011 registers (Arm PrimeCell UART PL011 TRM): data, flags.
constexpr std::uintptr_t kData = 0x00;
constexpr std::uintptr_t kFlags = 0x18;
constexpr std::uint32_t kTransmitFull = 1u << 5;

volatile std::uint32_t& reg(std::uintptr_t offset) { return *reinterpret_cast<volatile std::uint32_t*>(kUart + offset); }

void put(char c) {
  while (reg(kFlags) & kTransmitFull) {
  }
  reg(kData) = static_cast<std::uint8_t>(c);
}

}  // namespace

void console_write(const char* text) {
  for (; *text; ++text) {
    if (*text == '\n') put('\r');
    put(*text);
  }
}

void console_write_dec(std::uint64_t value) {
  char digits[21];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) put(digits[--n]);
}

void console_write_hex(std::uint64_t value) {
  console_write("0x");
  for (int shift = 60; shift >= 0; shift -= 4) put("0123456789abcdef"[(value >> shift) & 0xf]);
}

}  // namespace pristine::virt
