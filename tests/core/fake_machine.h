// A machine backend for running core/ natively on the host in unit tests: a
// settable clock, counters for every board call, frames in plain memory.
#pragma once

#include <cstdint>
#include <string>

#include "core/types.h"

namespace pristine::fake_machine {

struct State {
  Cycles now = 0;
  std::uint64_t eoi_count = 0;
  Cycles armed_deadline = 0;
  std::uint64_t fpu_switches = 0;
  VirtAddr kernel_stack = 0;
  PhysAddr address_space = 0;
  int power_off_code = -1;
  std::string console;
};

State& state();
void reset();

}  // namespace pristine::fake_machine
