#include "hw-x86_64/pc/pit.h"

#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {
namespace {

constexpr std::uint16_t kChannel2 = 0x42, kCommand = 0x43, kSystemControl = 0x61;
constexpr std::uint8_t kGate2 = 0x01, kSpeaker = 0x02, kOut2 = 0x20;

}  // namespace

void pit_start_countdown() {
  using x86::inb;
  using x86::outb;
  outb(kSystemControl, static_cast<std::uint8_t>((inb(kSystemControl) & ~kSpeaker) | kGate2));
  outb(kCommand, 0xB0);  // channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count), binary
  outb(kChannel2, 0xFF);
  outb(kChannel2, 0xFF);  // loading the high byte starts the count
}

std::uint16_t pit_count() {
  x86::outb(kCommand, 0x80);  // counter latch, channel 2
  const std::uint8_t lo = x86::inb(kChannel2);
  const std::uint8_t hi = x86::inb(kChannel2);
  return static_cast<std::uint16_t>(lo | (hi << 8));
}

bool pit_passed_zero() { return (x86::inb(kSystemControl) & kOut2) != 0; }

}  // namespace pristine::pc
