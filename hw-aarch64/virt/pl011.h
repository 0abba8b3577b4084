// The console of the `virt` board: a PL011 UART, transmit only, polled (the
// console is a cold path, docs/pristine-rules.md).
#pragma once

#include <cstdint>

namespace pristine::virt {

void console_write(const char* text);
void console_write_dec(std::uint64_t value);
void console_write_hex(std::uint64_t value);

}  // namespace pristine::virt
