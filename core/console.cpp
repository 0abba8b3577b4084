#include "core/console.h"

#include "core/machine.h"

namespace pristine::console {

void write(const char* text) {
  std::size_t length = 0;
  while (text[length] != '\0') ++length;
  machine::console_write(text, length);
}

void write_dec_padded(std::uint64_t value, unsigned width) {
  char digits[24];
  unsigned n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  char out[48];
  unsigned length = 0;
  while (length + n < width && length < 24) out[length++] = ' ';
  while (n > 0) out[length++] = digits[--n];
  machine::console_write(out, length);
}

void write_dec(std::uint64_t value) { write_dec_padded(value, 0); }

void write_hex(std::uint64_t value) {
  char out[18] = {'0', 'x'};
  for (int i = 0; i < 16; ++i) {
    const unsigned nibble = static_cast<unsigned>(value >> (60 - 4 * i)) & 0xf;
    out[2 + i] = static_cast<char>(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
  }
  machine::console_write(out, sizeof out);
}

}  // namespace pristine::console
