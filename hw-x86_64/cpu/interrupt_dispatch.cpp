// The C++ side of the interrupt and exception entries (interrupt_entry.S):
// each hands its frame to core/.
#include "core/console.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/interrupt/dispatch.h"
#include "hw-x86_64/cpu/exception_decoding.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/trap_frame.h"

extern "C" PRISTINE_HOT pristine::TrapFrame* x86_exception_dispatch(pristine::TrapFrame* frame) {
  using namespace pristine;
  return dispatch_exception(x86::describe_exception(*frame, x86::read_cr2), frame);
}

#ifdef PRISTINE_LOG_RETURN_TO_RING3
namespace pristine {

// The case study of seed 000 (the trace_iretq_to_ring3 bug), kept as a
// regression test: logging the frame on the way back to ring 3 takes longer
// than a tick, so the next tick is pending when iretq runs and ring 3 never
// executes an instruction. Build option PRISTINE_LOG_RETURN_TO_RING3; never
// in a real build (docs/pristine-rules.md).
void trace_iretq_to_ring3(const TrapFrame& frame) {
  console::write("=== IRETQ to Ring 3 ===\n");
  machine::dump_frame(frame);
}

}  // namespace pristine
#endif

extern "C" PRISTINE_HOT pristine::TrapFrame* x86_interrupt_dispatch(pristine::TrapFrame* frame) {
  using namespace pristine;
#ifdef PRISTINE_LOG_RETURN_TO_RING3
  TrapFrame* resume = dispatch_interrupt(static_cast<Vector>(frame->vector), frame);
  if ((resume->cs & 3) != 0) trace_iretq_to_ring3(*resume);
  return resume;
#else
  return dispatch_interrupt(static_cast<Vector>(frame->vector), frame);
#endif
}
