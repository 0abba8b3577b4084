// One row of a cost table with its published source: the part of the cost
// model both guest architectures share (sim/cost_model.h for x86-64,
// sim/aarch64/cost_model.h for AArch64), so docs/cost-model.md, `pristine
// costs` and the host calibration read either table the same way.
#pragma once

#include <cstdint>
#include <string>

namespace pristine::sim {

struct CostEntry {
  std::string mnemonic;
  std::uint32_t cycles;
  std::string source;
};

}  // namespace pristine::sim
