// COM1 (16550 UART at 0x3F8): the PC console. Cold path only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine::pc {

inline constexpr std::uint16_t kCom1 = 0x3F8;  // I/O port of register 0

void serial_init();
void serial_write(const char* text, std::size_t length);

}  // namespace pristine::pc
