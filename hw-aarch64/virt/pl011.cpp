#include "hw-aarch64/virt/pl011.h"

#include <cstdint>

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

void console_write(const char* text, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') put('\r');
    put(text[i]);
  }
}

}  // namespace pristine::virt
