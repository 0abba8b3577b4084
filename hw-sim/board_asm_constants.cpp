// The constants the simulated board's entry assembly uses (board_entry.S),
// generated into build/generated/hw-sim/board_asm_constants.inc
// (hw-x86_64/cpu/asm_constant.h). Never linked: the build only compiles this
// file to assembly.
#include "core/sched/task.h"
#include "hw-sim/board_registers.h"
#include "hw-x86_64/cpu/asm_constant.h"

namespace pristine::sim_board {

void emit_board_asm_constants() {
  PRISTINE_ASM_CONSTANT(BOARD_CPU_ID_REGISTER, kBase + kCpuId);
  PRISTINE_ASM_CONSTANT(MAX_CPUS, kMaxCpus);
}

}  // namespace pristine::sim_board
