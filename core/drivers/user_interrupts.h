// User-level interrupt handling (docs/drivers.md, "Ring-3 drivers"): a
// ring-3 task binds a bare device line (one no kernel driver owns) and waits
// on it; the line's top half acknowledges the device, counts the interrupt
// and wakes the task. The task collects the count with interrupt_wait.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/interrupt/vectors.h"
#include "core/sched/task.h"

namespace pristine::drivers {

struct UserInterruptLine {
  std::atomic<Task*> owner;           // the bound task; nullptr: unbound
  std::atomic<std::uint64_t> raised;  // interrupts the top half counted (single writer: the line's CPU)
  std::uint64_t collected;            // of those, returned by interrupt_wait (the owner's)
};

// Hot paths of the three calls; results are the syscall's (errors negative).
std::int64_t interrupt_register(Task& caller, std::uint64_t line);
std::int64_t interrupt_unregister(Task& caller, std::uint64_t line);
// The interrupts not yet collected (and now collected), or 0 if none: the
// caller then waits (sched::wait_for_wake) and calls again.
std::int64_t interrupt_collect(Task& caller, std::uint64_t line);
// Hot (exit): give back every line `task` owns.
void release_interrupt_lines(Task& task);

// Hot (the top half of a bare line): the owner to wake, or nullptr if unbound.
Task* user_interrupt(unsigned line);

}  // namespace pristine::drivers

// Exported for the simulator (it measures interrupt-to-user latency of bound lines).
extern "C" pristine::drivers::UserInterruptLine pristine_user_interrupts[pristine::vectors::kDeviceLines];
