// Breakage: every tick busy-waits on the clock (seed 000 forbids it in a hot
// path); the simulator must catch the loop on now().
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/test_hook.h"

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame*) {
  for (const pristine::Cycles until = pristine::machine::now() + pristine::Cycles{2000}; pristine::machine::now() < until;) {
  }
}
