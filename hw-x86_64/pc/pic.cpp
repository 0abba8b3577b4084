#include "hw-x86_64/pc/pic.h"

#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {

void pic_remap_and_mask() {
  using x86::outb;
  constexpr std::uint16_t kMasterCmd = 0x20, kMasterData = 0x21, kSlaveCmd = 0xA0, kSlaveData = 0xA1;
  outb(kMasterCmd, 0x11);  // ICW1: init, expect ICW4
  outb(kSlaveCmd, 0x11);
  outb(kMasterData, vectors::kPicBase);      // ICW2: vector base
  outb(kSlaveData, vectors::kPicBase + 8);
  outb(kMasterData, 0x04);  // ICW3: slave on IRQ2
  outb(kSlaveData, 0x02);
  outb(kMasterData, 0x01);  // ICW4: 8086 mode
  outb(kSlaveData, 0x01);
  outb(kMasterData, 0xFF);  // mask everything
  outb(kSlaveData, 0xFF);
}

}  // namespace pristine::pc
