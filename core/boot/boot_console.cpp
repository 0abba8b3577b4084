// A board's boot lines about its command line (boot_console.h).
#include "core/boot/boot_console.h"

#include "core/console.h"

namespace pristine::boot {

void write_command_line_notice(const char* board, const char* what, const char* word, std::size_t length) {
  constexpr std::size_t kShown = 64;
  char shown[kShown + 4] = {};
  std::size_t n = 0;
  for (; n < length && n < kShown; ++n) shown[n] = word[n] >= 0x20 && word[n] < 0x7f ? word[n] : '?';
  if (length > kShown) {
    shown[n++] = '.';
    shown[n++] = '.';
    shown[n++] = '.';
  }
  shown[n] = '\0';
  console::write(board);
  console::write(": ");
  console::write(what);
  console::write(": ");
  console::write(shown);
  console::write("\n");
}

void write_seconds(std::uint64_t us) {
  console::write_dec(us / 1'000'000);
  std::uint64_t fraction = us % 1'000'000;
  if (fraction == 0) return;
  char digits[8] = {'.'};
  unsigned n = 1;
  for (std::uint64_t scale = 100'000; fraction != 0; scale /= 10) {
    digits[n++] = static_cast<char>('0' + fraction / scale);
    fraction %= scale;
  }
  digits[n] = '\0';
  console::write(digits);
}

}  // namespace pristine::boot
