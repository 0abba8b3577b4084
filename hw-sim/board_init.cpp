// Boot of the simulator image. The simulator starts the CPU in 64-bit mode at
// sim_entry (board_entry.S) with BootInfo already written into the image;
// everything else (descriptor tables, per-CPU data, the timer) the image sets
// up itself, as on the PC.
#include "core/boot_info.h"
#include "core/interrupt/vectors.h"
#include "core/kernel_main.h"
#include "core/machine.h"
#include "core/panic.h"
#include "core/smp/secondary_cpus.h"
#include "hw-sim/board_registers.h"
#include "hw-x86_64/cpu/cpu_init.h"


extern "C" [[noreturn]] void sim_board_main() {
  using namespace pristine;
  auto* regs = reinterpret_cast<volatile std::uint64_t*>(sim_board::kBase);
  if (regs[sim_board::kId / 8] != sim_board::kBoardId) machine::power_off(4);
  x86::cpu_init(0);
  regs[sim_board::kTimerVector / 8] = vectors::kTimer;
  kernel_main();
}

// A secondary CPU, started by machine::start_cpu through the board.
extern "C" [[noreturn]] void sim_board_secondary_main(pristine::CpuId cpu) {
  using namespace pristine;
  x86::cpu_init(cpu);
  auto* regs = reinterpret_cast<volatile std::uint64_t*>(sim_board::kBase);
  regs[sim_board::kTimerVector / 8] = vectors::kTimer;
  kernel_secondary_main(cpu);
}
