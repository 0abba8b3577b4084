// The board half of the machine interface (core/machine.h) on a PC: LAPIC for
// EOI, timer and IPIs, the TSC for time, COM1 for the console, QEMU's
// isa-debug-exit to power off.
#include "core/hot_path.h"
#include "core/machine.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pc_clock.h"
#include "hw-x86_64/pc/serial.h"

namespace pristine::machine {

PRISTINE_HOT void end_of_interrupt() { pc::lapic_eoi(); }

PRISTINE_HOT void timer_arm_oneshot(Cycles deadline) {
  const Cycles t{pc::rdtsc()};
  pc::lapic_arm_in(deadline > t ? deadline - t : Cycles{1});
}

PRISTINE_HOT Cycles now() { return Cycles{pc::rdtsc()}; }

// No PC device drivers yet: nothing to acknowledge.
PRISTINE_HOT void acknowledge_device(Vector) {}

PRISTINE_HOT void send_ipi(CpuId target, Vector vector) { pc::lapic_send_ipi(target, vector); }

PRISTINE_HOT void send_ipi_to_others(Vector vector) { pc::lapic_send_ipi_to_others(vector); }

void console_write(const char* text, std::size_t length) { pc::serial_write(text, length); }

void power_off(int exit_code) { pc::debug_exit(exit_code); }

}  // namespace pristine::machine
