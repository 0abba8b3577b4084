#include "sim/sim_board.h"

#include "core/interrupt/vectors.h"
#include "hw-sim/board_registers.h"
#include "sim/board_bus.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

void SimBoard::attach(SimCpu& cpu) {
  window_.attach(*this, cpu, board_physical::kRegisters, sim_board::kSize, "uc_mmio_map(board)");
}

// A 64-bit access arrives as two 4-byte accesses, low half first.
std::uint64_t SimBoard::read(SimCpu& cpu, std::uint64_t offset, unsigned size) {
  const std::uint64_t reg = offset & ~std::uint64_t{7};
  const bool high = (offset & 4) != 0;
  std::uint64_t value = 0;
  switch (reg) {
    case sim_board::kId: value = sim_board::kBoardId; break;
    case sim_board::kCpuId: value = cpu.cpu.id(); break;
    case sim_board::kClock:
      if (!high) {
        cpu.cycles += costs_.board_clock_read;
        cpu.accounting.note_clock_read(cpu.instructions, cpu.cycles);
        if (cpu.bus) cpu.bus->clock_read(cpu);
      }
      value = cpu.cycles;
      break;
    case sim_board::kTimerDeadline: value = cpu.timer_deadline; break;
    case sim_board::kTimerVector: value = cpu.timer_vector; break;
    case sim_board::kClockHz: value = clock_hz_; break;
    case sim_board::kCpuCount: value = cpu.bus ? cpu.bus->cpu_count() : 1; break;
    case sim_board::kAcknowledge:
      // GICv3's acknowledge: the read itself moves the interrupt to in service.
      if (!high) value = acknowledge(cpu);
      break;
    default: value = 0; break;
  }
  if (!high && reg != sim_board::kClock) cpu.cycles += costs_.board_register_read;
  if (high) value >>= 32;
  return size >= 8 ? value : value & 0xFFFFFFFFu;
}

std::uint64_t SimBoard::acknowledge(SimCpu& cpu) {
  // Nothing pending, or the spurious vector (the fault injector's): GICv3's
  // spurious INTID, the interrupt that was signalled is gone when the
  // handler asks. It serves the spurious vector then (no EOI).
  const std::optional<Vector> vector = cpu.controller.deliverable();
  if (vector) cpu.controller.accept(*vector);
  const Vector served = vector ? *vector : static_cast<Vector>(vectors::kSpurious);
  if (cpu.bus) cpu.bus->interrupt_acknowledged(cpu, served);
  return served == vectors::kSpurious ? sim_board::kNothingPending : served;
}

void SimBoard::write(SimCpu& cpu, std::uint64_t offset, unsigned size, std::uint64_t value) {
  const std::uint64_t reg = offset & ~std::uint64_t{7};
  // Registers holding 64-bit values commit when their high half arrives.
  const bool wide = reg == sim_board::kTimerDeadline;
  if (offset & 4) {
    if (wide) commit(cpu, reg, (cpu.write_latch & 0xFFFFFFFFu) | (value << 32));
    return;
  }
  if (wide && size < 8) {
    cpu.write_latch = value;  // wait for the high half
    cpu.cycles += costs_.board_register_write;
    return;
  }
  cpu.cycles += reg == sim_board::kConsole ? costs_.console_char : costs_.board_register_write;
  commit(cpu, reg, value);
}

void SimBoard::commit(SimCpu& cpu, std::uint64_t reg, std::uint64_t value) {
  switch (reg) {
    case sim_board::kTimerDeadline:
      cpu.timer_deadline = value;
      if (cpu.first_timer_deadline == 0) cpu.first_timer_deadline = value;
      cpu.stop_at = 0;  // re-plan the next stop at the next block
      break;
    case sim_board::kTimerVector: cpu.timer_vector = static_cast<Vector>(value); break;
    case sim_board::kEoi:
      ++cpu.eoi_count;
      if (!cpu.accounting.note_eoi()) ++cpu.eoi_outside_handler;
      if (const auto retired = cpu.controller.end_of_interrupt()) {
        // A level-triggered line still asserted raises its vector again.
        if (cpu.level_asserted.test(*retired)) {
          cpu.controller.raise(*retired);
          ++cpu.level_reassertions;
          cpu.level_storm_rip = cpu.block;  // the block writing the EOI
        }
      } else {
        ++cpu.eoi_without_service;
      }
      if (cpu.controller.deliverable()) cpu.poll_interrupt_flag = true;
      break;
    case sim_board::kIpi:
      if (cpu.bus) {
        const auto target = static_cast<CpuId>((value >> 8) & 0xFF);
        const auto vector = static_cast<Vector>(value & 0xFF);
        if (target == sim_board::kIpiToOthers) {
          cpu.bus->send_ipi_to_others(cpu, vector);
        } else {
          cpu.bus->send_ipi(cpu, target, vector);
        }
      }
      break;
    case sim_board::kStartCpu:
      if (cpu.bus) cpu.bus->start_cpu(cpu, static_cast<CpuId>(value));
      break;
    case sim_board::kDeviceAck: cpu.level_asserted.reset(value & 0xFF); break;
    case sim_board::kConsole:
      console_ += static_cast<char>(value & 0xFF);
      if (cpu.bus) cpu.bus->console_output(cpu);
      break;
    case sim_board::kExit:
      cpu.exit_requested = true;
      cpu.exit_code = static_cast<std::int64_t>(value);
      cpu.stop_at = 0;
      break;
    default: break;
  }
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
