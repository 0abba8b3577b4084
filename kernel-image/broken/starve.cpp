// Breakage: every tick pushes the end of the running task's turn one tick
// further, so the turn never ends; the simulator must report the others starved.
#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/test_hook.h"

extern "C" PRISTINE_HOT void pristine_test_hook_turn_judged(pristine::CpuLocal& cpu) {
  cpu.turn_ends_at += cpu.tick_period;
}
