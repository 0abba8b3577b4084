// The board half of the machine interface (core/machine.h) on a PC: LAPIC for
// EOI, timer and IPIs, the TSC for time, COM1 for the console and uart0, the
// I/O APIC for device lines, QEMU's isa-debug-exit to power off.
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/drivers/driver_table.h"
#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/pc/debug_exit.h"
#include "hw-x86_64/pc/ioapic.h"
#include "hw-x86_64/pc/lapic.h"
#include "hw-x86_64/pc/pci.h"
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

// nic0 is the e1000 on the PCI bus: BAR0, memory-mapped uncached (pci.h).
PRISTINE_HOT std::uint32_t nic_read(std::uint32_t reg) {
  return *reinterpret_cast<volatile std::uint32_t*>(pc::g_nic_registers + reg);
}
PRISTINE_HOT void nic_write(std::uint32_t reg, std::uint32_t value) {
  *reinterpret_cast<volatile std::uint32_t*>(pc::g_nic_registers + reg) = value;
}

namespace {

// The I/O APIC pin of device line `line`: ISA IRQ n is pin n on QEMU's pc
// machine (ioapic.h); nic0's line is a vector slot, and its pin is the one
// the firmware routed the e1000's INTA# to (pci.h).
unsigned device_line_pin(unsigned line) {
  constexpr unsigned kNicLine = drivers::kDrivers[static_cast<std::uint32_t>(drivers::DriverId::Nic0)].line;
  return line == kNicLine && pc::g_nic_registers != 0 ? pc::g_nic_pin : line;
}

}  // namespace

void enable_device_line(unsigned line, CpuId cpu, LineTrigger trigger) {
  pc::ioapic_route(device_line_pin(line), Vector{static_cast<std::uint8_t>(vectors::kDeviceBase + line)}, cpu,
                   trigger == LineTrigger::Level);
}

void disable_device_line(unsigned line) { pc::ioapic_mask(device_line_pin(line)); }

PRISTINE_HOT void send_ipi(CpuId target, Vector vector) { pc::lapic_send_ipi(target, vector); }

PRISTINE_HOT void send_ipi_to_others(Vector vector) { pc::lapic_send_ipi_to_others(vector); }

void console_write(const char* text, std::size_t length) { pc::serial_write(text, length); }

void power_off(int exit_code) { pc::debug_exit(exit_code); }

}  // namespace pristine::machine
