// Which of the system registers the simulator keeps across engine runs an
// x86-64 block may write: the cost model finds them in each block
// (BlockCost::system_writes, sim/x86_64/cost_model.cpp) and GuestCpu forgets
// just those before and after the block (GuestCpu::block_ahead). One list for
// both: a GuestCpu slot's bit is its bit here.
#pragma once

#include <cstdint>

namespace pristine::sim {

// A bit each (kBlockChangesSystem says a block writes some system register
// at all), so a swapgs or a CR3 write forgets those alone. Registers GuestCpu
// does not keep (LDTR, the selectors, FS base, CR2, CR8, XCR0) have no bit.
enum SystemWrites : std::uint16_t {
  kWritesNone = 0,
  kWritesCr0 = 1u << 0,
  kWritesCr3 = 1u << 1,
  kWritesCr4 = 1u << 2,
  kWritesEfer = 1u << 3,
  kWritesGsBase = 1u << 4,
  kWritesGdtr = 1u << 5,
  kWritesIdtr = 1u << 6,
  kWritesTr = 1u << 7,
  kWritesStar = 1u << 8,
  kWritesLstar = 1u << 9,
  kWritesCstar = 1u << 10,
  kWritesSfmask = 1u << 11,
  kWritesKernelGsBase = 1u << 12,
  kWritesAnySystem = 0xFFFF,  // wrmsr, rsm: any of them
};

}  // namespace pristine::sim
