// The I/O APIC: routes the PC's device interrupt lines (ISA IRQs and PCI
// INTx, its input pins) to a CPU's local APIC as vectors. Intel 82093AA
// I/O APIC data sheet; QEMU's pc machine has one, at 0xFEC00000, with ISA
// IRQ n on pin n for every n but the PIT's IRQ 0 (pin 2), which Pristine does
// not use (its tick is the LAPIC timer).
//
// Every register access is two writes (select, then the window), so the
// routing calls, which ring-3 drivers reach from any CPU, take a spinlock:
// cold paths only (interrupt_register and the release of a line).
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::pc {

// Cold path: mask every pin (boot).
void ioapic_mask_all();
// Cold path: mask pin `pin`.
void ioapic_mask(unsigned pin);

// Cold path: deliver pin `pin` as `vector` to the local APIC `apic_id`,
// active high (an ISA line seen through QEMU's I/O APIC), unmasked; `level`:
// level-triggered, re-delivered after the EOI while the device still asserts
// it (a top half that leaves work in the device loses nothing), else edge.
void ioapic_route(unsigned pin, Vector vector, std::uint32_t apic_id, bool level);

}  // namespace pristine::pc
