// The driver model (docs/drivers.md). A driver is one line of
// driver_list.def and a namespace with three functions:
//   start()       cold, at boot: program the device;
//   top_half()    hot, in the interrupt path under the pristine rules:
//                 acknowledge the device, capture what must be captured,
//                 queue it; true if its bottom half has work;
//   bottom_half() in the driver's own kernel thread, preemptible: consume
//                 what the top half queued.
// The dispatcher reaches a top half through one switch on the vector (no
// function pointers); the top half's caller sends the EOI and wakes the
// bottom-half thread.
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/drivers/driver_table.h"
#include "core/sched/task.h"
#include "core/types.h"

namespace pristine::drivers {

// Cold (boot CPU, before the tasks run): start the drivers BootInfo::drivers
// names: each gets its bottom-half thread on CPU 0, its device programmed and
// its line routed to CPU 0.
void start(const BootInfo& boot);

// Cold: whether driver `id` was started.
bool started(DriverId id);

// From driver `id`'s bottom half, ending its run with work left: its
// thread's wake is left pending, so its kernel wait (which wakes device
// readers first: core/drivers/device_files.h) returns at once.
void run_bottom_half_again(DriverId id);

// Hot: the top half of the started driver on vector `vector`, or the stock
// acknowledgement of a device line without one (any other vector: nothing).
// Returns the task to wake: the driver's bottom-half thread, the ring-3 task
// that bound the line (core/drivers/user_interrupts.h), or nullptr.
Task* top_half(Vector vector);

}  // namespace pristine::drivers
