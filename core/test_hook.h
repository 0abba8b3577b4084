// Named points where a deliberately broken test image adds work that a
// production kernel never does (kernel-image/broken/, docs/pristine-rules.md
// "Adding a broken image"). In a production build a hook point is nothing at
// all; the objects built with PRISTINE_TEST_HOOKS call the extern "C"
// function pristine_test_hook_<point>, empty unless the image's breakage
// defines it. The entry code's points are in hw-x86_64/cpu/test_hook.inc.
#pragma once

#ifdef PRISTINE_TEST_HOOKS
#define PRISTINE_TEST_HOOK(point, ...) pristine_test_hook_##point(__VA_ARGS__)
#else
#define PRISTINE_TEST_HOOK(point, ...) static_cast<void>(0)
#endif

namespace pristine {
struct CpuLocal;
struct TrapFrame;
}  // namespace pristine

extern "C" {
// The tick's slow path (tick_housekeeping), first thing.
void pristine_test_hook_tick(pristine::TrapFrame* frame);
// A spurious vector, which must not get an EOI (dispatch_other_interrupt).
void pristine_test_hook_spurious_interrupt();
// sched::tick on a task, before its turn is judged over or not.
void pristine_test_hook_turn_judged(pristine::CpuLocal& cpu);
// A CPU armed its tick and is about to schedule (cpu_enter_scheduler).
void pristine_test_hook_tick_armed(pristine::CpuLocal& cpu);
// The PC board set up the boot CPU's descriptor tables (board_init).
void pristine_test_hook_boot_cpu_ready();
}
