#include "core/drivers/user_interrupts.h"

#include "core/drivers/driver_table.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/syscall/syscall.h"

constinit pristine::drivers::UserInterruptLine pristine_user_interrupts[pristine::vectors::kDeviceLines] = {};

namespace pristine::drivers {
namespace {

// Routing a line is board set-up (I/O APIC writes on the PC), done once per
// bind: split out of the call's path.
// Edge: the kernel cannot quiet a device it does not drive, so a level line
// still asserted would come back after every EOI (on the PC, binding the
// PIT's pin gave an interrupt storm).
PRISTINE_COLD void route_line(std::uint64_t line) {
  machine::enable_device_line(static_cast<unsigned>(line), 0, machine::LineTrigger::Edge);
}
// A line given back stops interrupting (a live device behind it would go on).
PRISTINE_COLD void unroute_line(unsigned line) { machine::disable_device_line(line); }

}  // namespace

// Who may bind a line: a boot task (one the scenario or the command line
// named, not a child a program spawned), a line no kernel driver owns, one
// owner at a time.
PRISTINE_HOT std::int64_t interrupt_register(Task& caller, std::uint64_t line) {
  if (line >= vectors::kDeviceLines) return kEINVAL;
  if (caller.parent != kNoParent) return kEPERM;
  if (driver_on_line(static_cast<unsigned>(line))) return kEBUSY;
  UserInterruptLine& l = pristine_user_interrupts[line];
  // Read before the owner is set: `raised` moves only while the line is
  // owned, so an interrupt the top half counts for us from the moment we own
  // it is one we collect (read after, it would be taken as an earlier one).
  const std::uint64_t before = l.raised.load(std::memory_order_acquire);
  Task* expected = nullptr;
  if (!l.owner.compare_exchange_strong(expected, &caller, std::memory_order_acq_rel)) return kEBUSY;
  l.collected = before;
  caller.interrupt_lines |= 1u << line;
  route_line(line);
  return 0;
}

PRISTINE_HOT std::int64_t interrupt_unregister(Task& caller, std::uint64_t line) {
  if (line >= vectors::kDeviceLines) return kEINVAL;
  std::atomic<Task*>& owner = pristine_user_interrupts[line].owner;
  if (owner.load(std::memory_order_acquire) != &caller) return kEPERM;
  // Masked while still ours: nobody can bind it in between, so a later
  // owner's routing is never undone by this mask.
  unroute_line(static_cast<unsigned>(line));
  owner.store(nullptr, std::memory_order_release);
  caller.interrupt_lines &= ~(1u << line);
  return 0;
}

PRISTINE_HOT std::int64_t interrupt_collect(Task& caller, std::uint64_t line) {
  if (line >= vectors::kDeviceLines) return kEINVAL;
  UserInterruptLine& l = pristine_user_interrupts[line];
  if (l.owner.load(std::memory_order_relaxed) != &caller) return kEPERM;
  const std::uint64_t raised = l.raised.load(std::memory_order_acquire);
  const std::uint64_t fresh = raised - l.collected;
  l.collected = raised;
  return static_cast<std::int64_t>(fresh);
}

PRISTINE_HOT void release_interrupt_lines(Task& task) {
  for (std::uint32_t lines = task.interrupt_lines; lines != 0; lines &= lines - 1) {
    const unsigned line = static_cast<unsigned>(__builtin_ctz(lines));
    unroute_line(line);  // masked while still ours, as in interrupt_unregister
    pristine_user_interrupts[line].owner.store(nullptr, std::memory_order_release);
  }
  task.interrupt_lines = 0;
}

PRISTINE_HOT Task* user_interrupt(unsigned line) {
  UserInterruptLine& l = pristine_user_interrupts[line];
  Task* owner = l.owner.load(std::memory_order_acquire);
  if (owner) l.raised.store(l.raised.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  return owner;
}

}  // namespace pristine::drivers
