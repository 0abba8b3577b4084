// Breakage: one UART character per tick (seed 000 forbids console output in a
// hot path); the simulator, the static check and the budget gate must fail it.
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/test_hook.h"

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame*) { pristine::machine::console_write("t", 1); }
