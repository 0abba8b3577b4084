// The vector map of Pristine, shared by both images and the simulator.
// Priority matters: the local interrupt controller delivers by priority class
// (vector >> 4, Intel SDM Vol. 3, 11.8.3), so IPIs sit above the timer, which
// sits above devices.
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

// Legacy 8259 PIC, remapped above the exceptions (PC image only).
inline constexpr Vector kPicBase = 0x20;
// Local timer (LAPIC timer on the PC, the board timer in the simulator).
inline constexpr Vector kTimer = 0x30;
// Device interrupt lines: kDeviceBase + line, line < kDeviceLines.
inline constexpr Vector kDeviceBase = 0x40;
inline constexpr unsigned kDeviceLines = 16;
// Inter-processor interrupts.
inline constexpr Vector kIpiReschedule = 0xE0;
inline constexpr Vector kIpiTlbShootdown = 0xE1;
inline constexpr Vector kIpiStopAll = 0xE2;
// Spurious interrupt vector: delivered without setting in-service, never EOI'd
// (Intel SDM Vol. 3, 11.9).
inline constexpr Vector kSpurious = 0xFF;

// Exceptions that push an error code (Intel SDM Vol. 3, 6.13 and Table 6-1).
constexpr bool has_error_code(Vector v) {
  return v == kDoubleFault || v == kInvalidTss || v == kSegmentNotPresent ||
         v == kStackFault || v == kGeneralProtection || v == kPageFault ||
         v == kAlignmentCheck || v == kControlProtection;
}

constexpr bool is_exception(Vector v) { return v < kExceptionCount; }
constexpr bool is_device(Vector v) { return v >= kDeviceBase && v < kDeviceBase + kDeviceLines; }

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
  if (v >= kPicBase && v < kPicBase + 16) return "pic-irq";
  return "unassigned";
}

}  // namespace pristine::vectors
