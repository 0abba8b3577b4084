// Ring-3 program "irq-driver": a ring-3 driver (docs/drivers.md, "Ring-3
// drivers"). Its arg is a bare device line (0-15, not a kernel driver's). It
// first checks the interrupt calls' errors (a bad line, calls on a line it
// does not own, a driver's line, a line bound twice, a spawned child that may
// not bind), then binds the line and waits on it for good, adding each
// interrupt collected to its counter. The first wrong result ends the task
// with exit code 100 + the check's number. Spawned (its child mode), it only
// checks that it may not bind and exits with 7.
#include "core/drivers/driver_table.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kUart0Line = pristine::drivers::kDrivers[static_cast<unsigned>(pristine::drivers::DriverId::Uart0)].line;
constexpr std::int64_t kChildPassed = 7;

}  // namespace

PRISTINE_USER_PROGRAM(user_irq_driver_main) {
  const std::uint64_t line = start.arg;
  if (getppid().ok()) {
    ++*start.counter;  // it ran (the PC's report fails a task that never counted)
    return interrupt_register(line).is(EPERM) ? kChildPassed : 100;
  }
  // 1: a line past the 16.
  if (!interrupt_register(16).is(EINVAL) || !interrupt_wait(~std::uint64_t{0}).is(EINVAL)) return 101;
  // 2: waiting on or giving back a line it does not own.
  if (!interrupt_wait(line).is(EPERM) || !interrupt_unregister(line).is(EPERM)) return 102;
  // 3: a kernel driver's line.
  if (!interrupt_register(kUart0Line).is(EBUSY)) return 103;
  // 4: a child may not bind (only boot tasks own device lines). Checked
  // before binding: once bound, the task waits on nothing but its line.
  const Result child = spawn(Program::IrqDriver, line);
  if (!child.ok() || wait_child(static_cast<std::uint64_t>(child.value)).value != kChildPassed) return 104;
  // 5: bound once, not twice; given back, bound again.
  if (!interrupt_register(line).ok()) return 105;
  if (!interrupt_register(line).is(EBUSY)) return 106;
  if (!interrupt_unregister(line).ok() || !interrupt_register(line).ok()) return 107;
  ++*start.counter;
  for (;;) {
    const Result interrupts = interrupt_wait(line);
    if (!interrupts.ok() || interrupts.value <= 0) return 108;
    *start.counter += static_cast<std::uint64_t>(interrupts.value);
  }
}
