// The vector map of Pristine, shared by both images and the simulator
// (docs/vectors.md has it as one table). Priority matters: the local
// interrupt controller delivers a pending vector only when its priority class
// (vector >> 4, Intel SDM Vol. 3, 11.8.3) is above the class of every vector
// in service. So, as in Linux (local timer 0xEC, IPIs from 0xF0 up), the tick
// and the IPIs sit above every device class: a device storm can delay the
// tick by one handler, never starve it.
#pragma once

#include <cstdint>

#include "arch/vectors.h"
#include "core/drivers/driver_table.h"
#include "core/types.h"

namespace pristine::vectors {

// The CPU's and the platform's vectors (exceptions, legacy controllers) are
// the architecture's: arch/vectors.h, below arch::kFirstKernelVector.

// Device interrupt lines: kDeviceBase + line, line < kDeviceLines (class 4).
inline constexpr Vector kDeviceBase{0x40};
inline constexpr unsigned kDeviceLines = 16;
// Local timer (LAPIC timer on the PC, the board timer in the simulator), class 0xE.
inline constexpr Vector kTimer{0xEC};
// Inter-processor interrupts, class 0xF; within a class the higher vector is
// taken first: stop-all, then shootdowns (an initiator is waiting), then
// reschedules.
inline constexpr Vector kIpiReschedule{0xF0};
inline constexpr Vector kIpiTlbShootdown{0xF1};
inline constexpr Vector kIpiStopAll{0xF2};
// A kernel thread's wait (machine::kernel_wait: a software interrupt from
// ring 0, its gate DPL 0, so ring 3 cannot raise it); never acknowledged.
inline constexpr Vector kKernelWait{0x81};
// Spurious interrupt vector: delivered without setting in-service, never EOI'd
// (Intel SDM Vol. 3, 11.9).
inline constexpr Vector kSpurious{0xFF};

constexpr bool is_device(Vector v) { return v >= kDeviceBase && v < kDeviceBase + kDeviceLines; }

// The plan, checked where it is written down.
constexpr unsigned priority_class(Vector v) { return v >> 4; }
static_assert(kDeviceBase >= arch::kFirstKernelVector, "device vectors overlap the architecture's own");
static_assert(priority_class(kDeviceBase) == priority_class(Vector{kDeviceBase + kDeviceLines - 1}),
              "the device lines share one priority class");
static_assert(priority_class(kTimer) > priority_class(Vector{kDeviceBase + kDeviceLines - 1}),
              "the tick must outrank every device: a device storm would starve the clock");
static_assert(priority_class(kIpiReschedule) > priority_class(kTimer) &&
                  priority_class(kIpiTlbShootdown) > priority_class(kTimer) &&
                  priority_class(kIpiStopAll) > priority_class(kTimer),
              "IPIs outrank the tick (another CPU may be waiting on them)");
static_assert(kIpiStopAll > kIpiTlbShootdown && kIpiTlbShootdown > kIpiReschedule,
              "within the IPI class: stop-all first, then shootdowns, then reschedules");
static_assert(kKernelWait >= arch::kFirstKernelVector && !is_device(kKernelWait) &&
                  priority_class(kKernelWait) < priority_class(kTimer),
              "the kernel-wait vector is a software interrupt of the kernel's own");
constexpr bool driver_lines_fit() {
  for (const drivers::DriverInfo& d : drivers::kDrivers) {
    if (d.line >= kDeviceLines) return false;
    for (const drivers::DriverInfo& e : drivers::kDrivers) {
      if (&d != &e && d.line == e.line) return false;
    }
  }
  return true;
}
static_assert(driver_lines_fit(), "each driver has a device line of its own (core/drivers/driver_list.def)");
static_assert(kSpurious == 0xFF && kIpiStopAll < kSpurious, "the spurious vector stays 0xFF, above every IPI");

// The handler name used in reports, budgets and scenario files. Stable: it is
// part of the JSON report format.
constexpr const char* handler_name(Vector v) {
  constexpr const char* kDeviceNames[kDeviceLines] = {
      "device0", "device1", "device2", "device3", "device4", "device5", "device6", "device7",
      "device8", "device9", "device10", "device11", "device12", "device13", "device14",
      "device15"};
  if (const char* name = arch::reserved_vector_name(v)) return name;
  if (v == kTimer) return "timer";
  if (is_device(v)) {
    // A line with a driver is named by it ("uart0-rx"), a bare one by its number.
    if (const drivers::DriverInfo* driver = drivers::driver_on_line(v - kDeviceBase)) return driver->handler_name;
    return kDeviceNames[v - kDeviceBase];
  }
  if (v == kKernelWait) return "kernel-wait";
  if (v == kIpiReschedule) return "ipi-reschedule";
  if (v == kIpiTlbShootdown) return "ipi-tlb-shootdown";
  if (v == kIpiStopAll) return "ipi-stop-all";
  if (v == kSpurious) return "spurious";
  return "unassigned";
}

}  // namespace pristine::vectors
