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

// What a hot path must never reach (seed 000), each in its own section so the
// simulator flags any execution inside one while a CPU is in a hot path, and
// the static call-graph check flags any call from hot code (docs/pristine-rules.md).
// Mark every allocator entry point, every lock acquisition that spins or
// waits, and every page-table walker with one of these.
#define PRISTINE_ALLOCATOR __attribute__((noinline, section(".text.pristine_allocator")))
#define PRISTINE_WAITING_LOCK __attribute__((noinline, section(".text.pristine_waiting_lock")))
#define PRISTINE_PAGE_WALKER __attribute__((noinline, section(".text.pristine_page_walker")))

#define PRISTINE_LIKELY(x) __builtin_expect(!!(x), 1)
#define PRISTINE_UNLIKELY(x) __builtin_expect(!!(x), 0)
