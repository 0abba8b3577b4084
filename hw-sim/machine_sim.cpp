// The board half of the machine interface (core/machine.h) on the simulated
// board: every operation is one access to a board register (board_registers.h).
// Time comes from the board's clock (its page on x86-64), never rdtsc or the cycle
// counter (which would read host time under Unicorn). The same source for
// both architectures' simulator images (board_window.h says where the pages are).
#include <cstdint>

#include "core/hot_path.h"
#include "core/machine.h"
#include "hw-sim/board_window.h"

namespace pristine::machine {

using sim_board::reg;
using sim_board::reg32;

PRISTINE_HOT void end_of_interrupt() { reg32(sim_board::kEoi) = 0; }

PRISTINE_HOT void timer_arm_oneshot(Cycles deadline) { reg(sim_board::kTimerDeadline) = deadline; }

PRISTINE_HOT Cycles now() { return Cycles{sim_board::clock_word()}; }

PRISTINE_HOT void acknowledge_device(Vector vector) { reg32(sim_board::kDeviceAck) = vector; }

PRISTINE_HOT std::uint8_t uart_read(std::uint8_t reg) {
  return *reinterpret_cast<volatile std::uint8_t*>(sim_board::kUartRegisters + reg);
}
PRISTINE_HOT void uart_write(std::uint8_t reg, std::uint8_t value) {
  *reinterpret_cast<volatile std::uint8_t*>(sim_board::kUartRegisters + reg) = value;
}

PRISTINE_HOT std::uint32_t nic_read(std::uint32_t reg) {
  return *reinterpret_cast<volatile std::uint32_t*>(sim_board::kNicRegisters + reg);
}
PRISTINE_HOT void nic_write(std::uint32_t reg, std::uint32_t value) {
  *reinterpret_cast<volatile std::uint32_t*>(sim_board::kNicRegisters + reg) = value;
}

// The board's device models raise their lines on the CPU the scenario names.
void enable_device_line(unsigned, CpuId, LineTrigger) {}
void disable_device_line(unsigned) {}

PRISTINE_HOT void send_ipi(CpuId target, Vector vector) {
  reg32(sim_board::kIpi) = (std::uint32_t{target} << 8) | vector;
}

PRISTINE_HOT void send_ipi_to_others(Vector vector) {
  reg32(sim_board::kIpi) = static_cast<std::uint32_t>(sim_board::kIpiToOthers << 8) | vector;
}

void console_write(const char* text, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) reg(sim_board::kConsole) = static_cast<std::uint8_t>(text[i]);
}

bool start_cpu(CpuId cpu) {
  if (cpu >= reg(sim_board::kCpuCount)) return false;
  reg(sim_board::kStartCpu) = cpu;
  return true;
}

void power_off(int exit_code) {
  reg(sim_board::kExit) = static_cast<std::uint64_t>(exit_code);
  halt_forever();  // the simulator stops the run at the write
}

}  // namespace pristine::machine
