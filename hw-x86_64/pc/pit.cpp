#include "hw-x86_64/pc/pit.h"

#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {

void pit_wait(std::uint16_t pit_ticks) {
  using x86::inb;
  using x86::outb;
  // Gate channel 2 on, speaker off.
  outb(0x61, static_cast<std::uint8_t>((inb(0x61) & ~0x02) | 0x01));
  outb(0x43, 0xB0);  // channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count)
  outb(0x42, static_cast<std::uint8_t>(pit_ticks));
  outb(0x42, static_cast<std::uint8_t>(pit_ticks >> 8));
  // Restart the count: gate low then high.
  const std::uint8_t gate = inb(0x61);
  outb(0x61, static_cast<std::uint8_t>(gate & ~0x01));
  outb(0x61, static_cast<std::uint8_t>(gate | 0x01));
  while ((inb(0x61) & 0x20) == 0) {  // OUT2 goes high at terminal count
  }
}

}  // namespace pristine::pc
