#include "core/kernel_threads.h"

#include <atomic>

#include "core/machine.h"
#include "core/sched/scheduler.h"

namespace pristine {
namespace {

// One counter per task slot, on its own cache line.
struct alignas(64) Counter {
  std::atomic<std::uint64_t> value;
};
constinit Counter g_counters[kMaxTasks] = {};

void kernel_counter_main(std::uint64_t counter_address) {
  auto& counter = *reinterpret_cast<std::atomic<std::uint64_t>*>(counter_address);
  for (;;) counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// The stack runs into its guard page and the fault cannot be delivered on
// it: a nested fault (#DF on x86_64).
[[noreturn]] void overflow_main(std::uint64_t) { machine::overflow_kernel_stack(); }

}  // namespace

Task* create_boot_kernel_thread(const BootTask& task, sched::Placement where) {
  switch (task.program) {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  case UserProgram::enumerator: return nullptr;
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) \
  case UserProgram::enumerator: return start(task, where);
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
  }
  return nullptr;
}

Task* create_kernel_stack_overflow(const BootTask& task, sched::Placement where) {
  return sched::create_kernel_thread(task.name, overflow_main, 0, 0, where);
}

Task* create_kernel_counter(const BootTask& task, sched::Placement where) {
  const std::uint32_t slot = pristine_tasks.count;  // the id the new task will get
  auto address = reinterpret_cast<std::uint64_t>(&g_counters[slot < kMaxTasks ? slot : 0].value);
  Task* created = sched::create_kernel_thread(task.name, kernel_counter_main, address, task.priority, where);
  created->progress_counter = address;
  return created;
}

}  // namespace pristine
