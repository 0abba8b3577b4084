// Breakage: a second EOI in the tick, which already acknowledged its
// interrupt; the simulator must catch it.
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/test_hook.h"

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame*) { pristine::machine::end_of_interrupt(); }
