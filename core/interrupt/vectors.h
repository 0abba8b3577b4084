// The vector map of Pristine, shared by both images and the simulator
// (docs/vectors.md has it as one table). Priority matters: the local
// interrupt controller delivers a pending vector only when its priority class
// (vector >> 4, Intel SDM Vol. 3, 11.8.3) is above the class of every vector
// in service. So, as in Linux (local timer 0xEC, IPIs from 0xF0 up), the tick
// and the IPIs sit above every device class: a device storm can delay the
// tick by one handler, never starve it.
#pragma once

#include <cstdint>

#include "core/types.h"

namespace pristine::vectors {

// CPU exceptions 0-31 (Intel SDM Vol. 3, Table 6-1).
inline constexpr Vector kDivideError = 0;
inline constexpr Vector kDebug = 1;
inline constexpr Vector kNmi = 2;
inline constexpr Vector kBreakpoint = 3;
inline constexpr Vector kOverflow = 4;
inline constexpr Vector kBoundRange = 5;
inline constexpr Vector kInvalidOpcode = 6;
inline constexpr Vector kDeviceNotAvailable = 7;
inline constexpr Vector kDoubleFault = 8;
inline constexpr Vector kInvalidTss = 10;
inline constexpr Vector kSegmentNotPresent = 11;
inline constexpr Vector kStackFault = 12;
inline constexpr Vector kGeneralProtection = 13;
inline constexpr Vector kPageFault = 14;
inline constexpr Vector kX87Fpu = 16;
inline constexpr Vector kAlignmentCheck = 17;
inline constexpr Vector kMachineCheck = 18;
inline constexpr Vector kSimdFpu = 19;
inline constexpr Vector kVirtualization = 20;
inline constexpr Vector kControlProtection = 21;
inline constexpr Vector kExceptionCount = 32;

// Legacy 8259 PIC, remapped above the exceptions and masked (PC image only).
inline constexpr Vector kPicBase = 0x20;
inline constexpr unsigned kPicLines = 16;
// Device interrupt lines: kDeviceBase + line, line < kDeviceLines (class 4).
inline constexpr Vector kDeviceBase = 0x40;
inline constexpr unsigned kDeviceLines = 16;
// Local timer (LAPIC timer on the PC, the board timer in the simulator), class 0xE.
inline constexpr Vector kTimer = 0xEC;
// Inter-processor interrupts, class 0xF; within a class the higher vector is
// taken first: stop-all, then shootdowns (an initiator is waiting), then
// reschedules.
inline constexpr Vector kIpiReschedule = 0xF0;
inline constexpr Vector kIpiTlbShootdown = 0xF1;
inline constexpr Vector kIpiStopAll = 0xF2;
// Spurious interrupt vector: delivered without setting in-service, never EOI'd
// (Intel SDM Vol. 3, 11.9).
inline constexpr Vector kSpurious = 0xFF;

// Exceptions that push an error code (the list is shared with the entry stubs).
constexpr bool has_error_code(Vector v) {
#define PRISTINE_ERROR_CODE_VECTOR(number) if (v == (number)) return true;
#include "core/interrupt/error_code_vectors.def"
#undef PRISTINE_ERROR_CODE_VECTOR
  return false;
}

constexpr bool is_exception(Vector v) { return v < kExceptionCount; }
constexpr bool is_device(Vector v) { return v >= kDeviceBase && v < kDeviceBase + kDeviceLines; }

// The plan, checked where it is written down.
constexpr unsigned priority_class(Vector v) { return v >> 4; }
static_assert(kPicBase >= kExceptionCount && kDeviceBase >= kExceptionCount,
              "vectors below 0x20 are the CPU's exceptions");
static_assert(kPicBase + kPicLines <= kDeviceBase, "PIC and device vectors overlap");
static_assert(priority_class(kDeviceBase) == priority_class(kDeviceBase + kDeviceLines - 1),
              "the device lines share one priority class");
static_assert(priority_class(kTimer) > priority_class(kDeviceBase + kDeviceLines - 1),
              "the tick must outrank every device: a device storm would starve the clock");
static_assert(priority_class(kIpiReschedule) > priority_class(kTimer) &&
                  priority_class(kIpiTlbShootdown) > priority_class(kTimer) &&
                  priority_class(kIpiStopAll) > priority_class(kTimer),
              "IPIs outrank the tick (another CPU may be waiting on them)");
static_assert(kIpiStopAll > kIpiTlbShootdown && kIpiTlbShootdown > kIpiReschedule,
              "within the IPI class: stop-all first, then shootdowns, then reschedules");
static_assert(kSpurious == 0xFF && kIpiStopAll < kSpurious, "the spurious vector stays 0xFF, above every IPI");

// The handler name used in reports, budgets and scenario files. Stable: it is
// part of the JSON report format.
constexpr const char* handler_name(Vector v) {
  constexpr const char* kExceptionNames[kExceptionCount] = {
      "divide-error", "debug", "nmi", "breakpoint", "overflow", "bound-range",
      "invalid-opcode", "device-not-available", "double-fault", "coprocessor-overrun",
      "invalid-tss", "segment-not-present", "stack-fault", "general-protection",
      "page-fault", "exception-15", "x87-fpu", "alignment-check", "machine-check",
      "simd-fpu", "virtualization", "control-protection", "exception-22", "exception-23",
      "exception-24", "exception-25", "exception-26", "exception-27", "exception-28",
      "exception-29", "exception-30", "exception-31"};
  constexpr const char* kDeviceNames[kDeviceLines] = {
      "device0", "device1", "device2", "device3", "device4", "device5", "device6", "device7",
      "device8", "device9", "device10", "device11", "device12", "device13", "device14",
      "device15"};
  if (is_exception(v)) return kExceptionNames[v];
  if (v == kTimer) return "timer";
  if (is_device(v)) return kDeviceNames[v - kDeviceBase];
  if (v == kIpiReschedule) return "ipi-reschedule";
  if (v == kIpiTlbShootdown) return "ipi-tlb-shootdown";
  if (v == kIpiStopAll) return "ipi-stop-all";
  if (v == kSpurious) return "spurious";
  if (v >= kPicBase && v < kPicBase + kPicLines) return "pic-irq";
  return "unassigned";
}

}  // namespace pristine::vectors
