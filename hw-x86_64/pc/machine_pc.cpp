// The board half of the machine interface (core/machine.h) on a PC: LAPIC for
// EOI, timer and IPIs, the TSC for time, COM1 for the console and uart0, the
// I/O APIC for device lines, QEMU's isa-debug-exit to power off.
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "hw-x86_64/pc/ioapic.h"
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

// A PC line without a driver is never routed (ioapic_mask_all): nothing to acknowledge.
PRISTINE_HOT void acknowledge_device(Vector) {}

// uart0 is COM1, the console's UART too (serial.cpp polls its transmitter).
PRISTINE_HOT std::uint8_t uart_read(std::uint8_t reg) { return x86::inb(pc::kCom1 + reg); }
PRISTINE_HOT void uart_write(std::uint8_t reg, std::uint8_t value) { x86::outb(pc::kCom1 + reg, value); }

// Device line n is ISA IRQ n: I/O APIC pin n on QEMU's pc machine (ioapic.h).
void enable_device_line(unsigned line, CpuId cpu, LineTrigger trigger) {
  pc::ioapic_route(line, Vector{static_cast<std::uint8_t>(vectors::kDeviceBase + line)}, cpu,
                   trigger == LineTrigger::Level);
}

void disable_device_line(unsigned line) { pc::ioapic_mask(line); }

PRISTINE_HOT void send_ipi(CpuId target, Vector vector) { pc::lapic_send_ipi(target, vector); }

PRISTINE_HOT void send_ipi_to_others(Vector vector) { pc::lapic_send_ipi_to_others(vector); }

void console_write(const char* text, std::size_t length) { pc::serial_write(text, length); }

void power_off(int exit_code) { pc::debug_exit(exit_code); }

}  // namespace pristine::machine
