// Breakage: every CPU but the boot CPU disarms its tick as soon as it is
// armed, so it never takes a timer interrupt; the simulator must catch it.
#include "core/cpu_local.h"
#include "core/machine.h"
#include "core/test_hook.h"

extern "C" void pristine_test_hook_tick_armed(pristine::CpuLocal& cpu) {
  if (cpu.id != 0) pristine::machine::timer_arm_oneshot(pristine::Cycles{0});  // the simulator's board: 0 disarms
}
