#include "core/interrupt/dispatch.h"

#include "core/console.h"
#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/sched/scheduler.h"
#include "core/time/timer_tick.h"

namespace pristine {
namespace {

PRISTINE_COLD [[noreturn]] void kernel_exception(const ExceptionInfo& info) {
  console::write("\nKERNEL EXCEPTION ");
  console::write(vectors::handler_name(info.vector));
  console::write(" rip=");
  console::write_hex(info.ip);
  console::write(" error=");
  console::write_hex(info.error_code);
  console::write(" cr2=");
  console::write_hex(info.fault_address);
  console::write("\n");
  machine::power_off(3);
}

}  // namespace

PRISTINE_HOT TrapFrame* dispatch_interrupt(Vector vector, TrapFrame* frame) {
  CpuLocal& cpu = this_cpu();
  const Cycles start = machine::now();
  TrapFrame* resume = frame;
  if (PRISTINE_LIKELY(vector == vectors::kTimer)) {
    resume = timer_tick(cpu, frame, start);
  } else if (vector == vectors::kSpurious) {
    // Spurious: the controller set no in-service bit, so no EOI (Intel SDM Vol. 3, 11.9).
  } else {
    // Device lines and IPIs have no driver work yet: count (below) and acknowledge.
    machine::end_of_interrupt();
  }
  const Cycles cost = machine::now() - start;
  cpu.path[vector].record(cost);
  if (resume != frame) cpu.switch_paths.record(cost);
  return resume;
}

TrapFrame* dispatch_exception(const ExceptionInfo& info, TrapFrame* frame) {
  CpuLocal& cpu = this_cpu();
  if (info.vector == vectors::kNmi) {
    // An NMI may land anywhere, even inside another handler: count it, return.
    cpu.path[info.vector].record(0);
    return frame;
  }
  if (!info.from_user) kernel_exception(info);
  cpu.path[info.vector].record(0);
  return sched::exit_current(cpu, frame, -static_cast<std::int64_t>(info.vector) - 1);
}

}  // namespace pristine
