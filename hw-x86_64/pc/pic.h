// The legacy 8259 PIC pair: remapped above the CPU exceptions (vectors
// 0x20-0x2F) so a stray IRQ cannot look like an exception, then masked
// entirely: the LAPIC takes over.
#pragma once

namespace pristine::pc {

void pic_remap_and_mask();

}  // namespace pristine::pc
