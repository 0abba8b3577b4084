// Breakage: an EOI for a spurious vector, which set no in-service bit (Intel
// SDM Vol. 3, 11.9); the simulator must catch it.
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/test_hook.h"

extern "C" PRISTINE_HOT void pristine_test_hook_spurious_interrupt() { pristine::machine::end_of_interrupt(); }
