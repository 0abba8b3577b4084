// Markers for the pristine paths (seed 000): code that runs between interrupt,
// exception or syscall entry and the matching iretq/sysret, and the context
// switch. Hot functions live in their own section so tools (the simulator's
// violation detector, the static call-graph check) can find them without guessing.
// Rules for code so marked: no console output, no allocation, no lock that
// waits, no page-table walks; relaxed atomic counters only.
#pragma once

#define PRISTINE_HOT __attribute__((section(".text.pristine_hot")))
// Slow cases split out of a hot path: never inlined into it, kept out of its cache lines.
#define PRISTINE_COLD __attribute__((cold, noinline, section(".text.pristine_cold")))

#define PRISTINE_LIKELY(x) __builtin_expect(!!(x), 1)
#define PRISTINE_UNLIKELY(x) __builtin_expect(!!(x), 0)
