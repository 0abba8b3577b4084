// Cold-path console output: boot banner, shutdown statistics, panic reports.
// Never call from interrupt, syscall or context-switch paths (seed 000): one
// character costs 10 000+ cycles on a UART.
#pragma once

#include <cstdint>

namespace pristine::console {

void write(const char* text);
void write_dec(std::uint64_t value);
void write_hex(std::uint64_t value);
// Right-aligned decimal in a field of `width` characters.
void write_dec_padded(std::uint64_t value, unsigned width);

}  // namespace pristine::console
