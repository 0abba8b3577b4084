// COM1 (16550 UART at 0x3F8): the PC console. Cold path only.
#pragma once

#include <cstddef>

namespace pristine::pc {

void serial_init();
void serial_write(const char* text, std::size_t length);

}  // namespace pristine::pc
