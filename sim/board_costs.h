// What the simulated board's accesses cost, in modeled cycles. The board is
// the same for either CPU (hw-sim/board_registers.h), so its costs are one
// set of figures with their sources (docs/cost-model.md), part of each
// architecture's EventCosts and all the board's models need (sim/sim_board.h,
// the UART and NIC models, the interconnect).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/cost_entry.h"

namespace pristine::sim {

struct BoardCosts {
  std::uint32_t board_register_read = 0;   // a board register read (MMIO, like a LAPIC or GIC register)
  std::uint32_t board_register_write = 0;  // a board register write (e.g. EOI)
  std::uint32_t board_clock_read = 0;      // the board's cycle counter (as rdtsc)
  std::uint32_t console_char = 0;          // one console (UART) character: >= 10000
  std::uint32_t ipi_latency = 0;           // an IPI's send to it pending at the target
};

// The documented figures.
BoardCosts default_board_costs();

// Each figure with its name and source, in field order, for the cost
// tables' event lists.
std::vector<CostEntry> board_cost_entries(const BoardCosts& costs);

}  // namespace pristine::sim
