#include "core/drivers/drivers.h"

#include "core/drivers/driver_table.h"
#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/drivers/user_interrupts.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "core/sched/scheduler.h"

namespace pristine::drivers {
namespace {

// The bottom-half thread of each started driver (nullptr: not started).
constinit Task* g_bottom_halves[kDriverCount] = {};

// A bottom-half thread: wait for the top half's wake (a pending wake makes
// the wait return at once, so work queued while it ran is never missed),
// then do the driver's deferred work.
void bottom_half_main(std::uint64_t index) {
  for (;;) {
    machine::kernel_wait();
    switch (static_cast<DriverId>(index)) {
#define PRISTINE_DRIVER(id, name, handler, line, ns) \
  case DriverId::id: ns::bottom_half(); break;
#include "core/drivers/driver_list.def"
#undef PRISTINE_DRIVER
    }
  }
}

// "uart0" -> "uart0-bh": the thread's name in the reports.
void bottom_half_name(const char* driver, char (&name)[kTaskNameLength]) {
  std::uint32_t n = 0;
  for (; driver[n] != '\0' && n + 4 < kTaskNameLength; ++n) name[n] = driver[n];
  for (const char c : {'-', 'b', 'h', '\0'}) name[n++] = c;
}

}  // namespace

void start(const BootInfo& boot) {
  for (std::uint32_t i = 0; i < kDriverCount; ++i) {
    if ((boot.drivers & (std::uint32_t{1} << i)) == 0) continue;
    char name[kTaskNameLength];
    bottom_half_name(kDrivers[i].name, name);
    g_bottom_halves[i] = sched::create_kernel_thread(name, bottom_half_main, i, kMaxPriority, {0, true});
    switch (static_cast<DriverId>(i)) {
#define PRISTINE_DRIVER(id, name, handler, line, ns) \
  case DriverId::id: ns::start(); break;
#include "core/drivers/driver_list.def"
#undef PRISTINE_DRIVER
    }
    machine::enable_device_line(kDrivers[i].line, 0, machine::LineTrigger::Level);
  }
}

PRISTINE_HOT bool started(DriverId id) { return g_bottom_halves[static_cast<std::uint32_t>(id)] != nullptr; }

void run_bottom_half_again(DriverId id) {
  if (Task* thread = g_bottom_halves[static_cast<std::uint32_t>(id)]) sched::claim_wake(*thread);
}

PRISTINE_HOT Task* top_half(Vector vector) {
  switch (vector) {
#define PRISTINE_DRIVER(id, name, handler, line, ns)                                              \
  case vectors::kDeviceBase + (line):                                                             \
    if (Task* bottom_half = g_bottom_halves[static_cast<std::uint32_t>(DriverId::id)]) [[likely]] \
      return ns::top_half() ? bottom_half : nullptr;                                              \
    break;
#include "core/drivers/driver_list.def"
#undef PRISTINE_DRIVER
    default: break;
  }
  // A line without a started driver (a bare source of a storm, or a line a
  // ring-3 driver bound): acknowledge it, and wake its owner if it has one.
  if (!vectors::is_device(vector)) return nullptr;
  machine::acknowledge_device(vector);
  return user_interrupt(vector - vectors::kDeviceBase);
}

}  // namespace pristine::drivers
