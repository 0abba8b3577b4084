// A machine backend for running core/ natively on the host in unit tests: a
// settable clock, counters for every board call, frames in plain memory.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace pristine::fake_machine {

// The target recorded for machine::send_ipi_to_others.
inline constexpr CpuId kAllOthers = 0xFF;

struct State {
  Cycles now{0};
  std::uint64_t eoi_count = 0;
  Cycles armed_deadline{0};
  std::uint64_t fpu_saves = 0;  // machine::fpu_save_and_trap
  std::uint64_t fpu_loads = 0;  // machine::fpu_load
  VirtAddr kernel_stack = 0;
  PhysAddr address_space = 0;
  int power_off_code = -1;
  std::string console;
  CpuId cpu = 0;  // the CPU the next call runs on (tests switch it)
  std::vector<std::pair<CpuId, Vector>> ipis;  // (target, vector), in send order
  struct Recycled {
    PhysAddr root;
    VirtAddr private_start;
    bool drop_pages;
  };
  std::vector<Recycled> recycled;  // scrub_user_slot calls
  std::vector<VirtAddr> counters_reset;  // reset_user_counter calls
  std::vector<std::pair<CpuId, VirtAddr>> flushes;  // (cpu, page) flushed with invlpg; ~0: flush_tlb_all
  std::vector<VirtAddr> unmapped;
  // uart0 (core/drivers/uart_registers.h): bytes waiting in its receive FIFO,
  // an overrun to report at the next status read, and every register write.
  std::deque<std::uint8_t> uart_fifo;
  bool uart_overrun = false;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> uart_writes;  // (register, value)
  // nic0 (core/drivers/e1000_registers.h): its registers (ICR cleared by a
  // read) and every register write.
  std::map<std::uint32_t, std::uint32_t> nic_registers;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> nic_writes;  // (register, value)
  std::vector<std::pair<unsigned, CpuId>> lines_enabled;           // (line, cpu)
  std::vector<unsigned> lines_disabled;
  std::uint64_t kernel_waits = 0;
  // Called on every cpu_relax(): a test lets "other CPUs" act while one spins.
  void (*on_relax)() = nullptr;
};

State& state();
void reset();

}  // namespace pristine::fake_machine
