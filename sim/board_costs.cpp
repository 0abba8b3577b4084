#include "sim/board_costs.h"

namespace pristine::sim {

BoardCosts default_board_costs() {
  return {.board_register_read = 30,
          .board_register_write = 30,
          .board_clock_read = 25,
          .console_char = 10000,
          .ipi_latency = 400};
}

std::vector<CostEntry> board_cost_entries(const BoardCosts& c) {
  // A new BoardCosts field needs its entry here: the size check fails until then.
  static_assert(sizeof(BoardCosts) == 5 * sizeof(std::uint32_t), "list every BoardCosts field below");
  return {
      {"board register read", c.board_register_read, "estimate for a device register access (an xAPIC's or a GIC's)"},
      {"board register write", c.board_register_write,
       "estimate for a device register access (an xAPIC's or a GIC's), e.g. EOI"},
      {"board clock read", c.board_clock_read, "as rdtsc (Agner Fog, Skylake: 25)"},
      {"console character", c.console_char, "seed 000: serial output takes 10,000+ cycles per character"},
      {"IPI latency", c.ipi_latency,
       "estimate: an IPI (xAPIC) or SGI (GICv3) between cores of one socket takes a few hundred ns (docs/smp.md)"},
  };
}

}  // namespace pristine::sim
