// The C++ side of the interrupt entry: sorts exceptions from interrupts and
// hands both to core/.
#include "core/hot_path.h"
#include "core/interrupt/dispatch.h"
#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/trap_frame.h"

namespace pristine {
namespace {

PRISTINE_HOT TrapFrame* exception_entry(TrapFrame* frame) {
  const auto vector = static_cast<Vector>(frame->vector);
  const ExceptionInfo info{
      .vector = vector,
      .from_user = (frame->cs & 3) != 0,
      .error_code = frame->error_code,
      .ip = frame->rip,
      .fault_address = vector == vectors::kPageFault ? x86::read_cr2() : 0,
      .stack_pointer = frame->rsp,
  };
  return dispatch_exception(info, frame);
}

}  // namespace
}  // namespace pristine

extern "C" PRISTINE_HOT pristine::TrapFrame* x86_interrupt_dispatch(pristine::TrapFrame* frame) {
  using namespace pristine;
  if (PRISTINE_UNLIKELY(frame->vector < vectors::kExceptionCount)) return exception_entry(frame);
  return dispatch_interrupt(static_cast<Vector>(frame->vector), frame);
}
