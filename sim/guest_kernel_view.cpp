#include "sim/guest_kernel_view.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "core/cpu_local.h"
#include "core/drivers/user_interrupts.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

GuestKernelView::GuestKernelView(const GuestImage& image, const GuestMemory& memory)
    : memory_(memory), cpu_local_(image.symbol("pristine_cpu_local")), tasks_(image.symbol("pristine_tasks")),
      user_interrupts_(image.find_symbol("pristine_user_interrupts").value_or(0)) {}

VirtAddr GuestKernelView::task_address(int task) const {
  return tasks_ + offsetof(TaskTable, tasks) + static_cast<VirtAddr>(task) * sizeof(Task);
}

VirtAddr GuestKernelView::cpu_address(CpuId cpu) const { return cpu_local_ + VirtAddr{cpu} * sizeof(CpuLocal); }

std::uint32_t GuestKernelView::task_count() const {
  return std::min(memory_.read<std::uint32_t>(tasks_ + offsetof(TaskTable, count)), kMaxTasks);
}

std::string GuestKernelView::task_name(int task) const {
  char name[kTaskNameLength] = {};
  const std::uint8_t* bytes = memory_.host(task_address(task) + offsetof(Task, name), kTaskNameLength);
  if (bytes) std::memcpy(name, bytes, kTaskNameLength - 1);
  return name;
}

TaskState GuestKernelView::task_state(int task) const {
  return memory_.read<TaskState>(task_address(task) + offsetof(Task, state));
}

bool GuestKernelView::task_is_user(int task) const {
  return memory_.read<std::uint32_t>(task_address(task) + offsetof(Task, is_user)) != 0;
}

std::optional<int> GuestKernelView::find_task(std::string_view name) const {
  std::optional<int> found;
  for (int t = 0; t < static_cast<int>(task_count()); ++t) {
    if (task_name(t) == name) found = t;  // the last of that name, as the fault injector always took
  }
  return found;
}

GuestTask GuestKernelView::task(int task) const {
  const VirtAddr a = task_address(task);
  const auto field = [&]<typename T>(std::size_t offset, T) { return memory_.read<T>(a + offset); };
  GuestTask t;
  t.name = task_name(task);
  t.user = task_is_user(task);
  t.state = task_state(task);
  t.cpu = field(offsetof(Task, cpu), CpuId{});
  t.priority = field(offsetof(Task, priority), std::uint32_t{});
  t.ticks_run = field(offsetof(Task, ticks_run), std::uint64_t{});
  t.switches_in = field(offsetof(Task, switches_in), std::uint64_t{});
  t.gave_up = field(offsetof(Task, gave_up), std::uint64_t{});
  t.run_cycles = field(offsetof(Task, run_cycles), Cycles{});
  t.wait_cycles = field(offsetof(Task, wait_cycles), Cycles{});
  t.running_since = field(offsetof(Task, running_since), Cycles{});
  t.runnable_since = field(offsetof(Task, runnable_since), Cycles{});
  t.max_wait = field(offsetof(Task, max_wait), Cycles{});
  t.max_wake_latency = field(offsetof(Task, max_wake_latency), Cycles{});
  t.wakeups = field(offsetof(Task, wakeups), std::uint64_t{});
  t.migrations = field(offsetof(Task, migrations), std::uint64_t{});
  t.exit_code = field(offsetof(Task, exit_code), std::int64_t{});
  t.fault_vector = field(offsetof(Task, fault_vector), std::uint32_t{});
  t.fault_ip = field(offsetof(Task, fault_ip), VirtAddr{});
  t.fault_error = field(offsetof(Task, fault_error), std::uint64_t{});
  t.fault_address = field(offsetof(Task, fault_address), VirtAddr{});
  t.progress_counter = field(offsetof(Task, progress_counter), VirtAddr{});
  return t;
}

std::uint32_t GuestKernelView::task_generation(int task) const {
  if (task < 0 || task >= static_cast<int>(kMaxTasks)) return 0;
  return memory_.read_or<std::uint32_t>(task_address(task) + offsetof(Task, generation), 0);
}

int GuestKernelView::current_task(CpuId cpu) const {
  const VirtAddr current = memory_.read_or<VirtAddr>(cpu_address(cpu) + offsetof(CpuLocal, current), 0);
  const VirtAddr first = task_address(0);
  if (current < first || current >= first + kMaxTasks * sizeof(Task)) return -1;
  return static_cast<int>((current - first) / sizeof(Task));
}

int GuestKernelView::interrupt_line_owner(unsigned line) const {
  if (user_interrupts_ == 0) return -1;
  const VirtAddr owner = memory_.read_or<VirtAddr>(
      user_interrupts_ + line * sizeof(drivers::UserInterruptLine) + offsetof(drivers::UserInterruptLine, owner), 0);
  const VirtAddr first = task_address(0);
  if (owner < first || owner >= first + kMaxTasks * sizeof(Task)) return -1;
  return static_cast<int>((owner - first) / sizeof(Task));
}

bool GuestKernelView::is_idle_task(int task, std::uint32_t cpus) const {
  for (CpuId id = 0; id < cpus; ++id) {
    if (memory_.read<VirtAddr>(cpu_address(id) + offsetof(CpuLocal, idle)) == task_address(task)) return true;
  }
  return false;
}

std::uint64_t GuestKernelView::switches(CpuId cpu) const {
  return memory_.read<std::uint64_t>(cpu_address(cpu) + offsetof(CpuLocal, switches));
}

std::uint32_t GuestKernelView::slice_ticks(CpuId cpu) const {
  return memory_.read<std::uint32_t>(cpu_address(cpu) + offsetof(CpuLocal, slice_ticks));
}

std::uint64_t GuestKernelView::early_ticks(CpuId cpu) const {
  return memory_.read<std::uint64_t>(cpu_address(cpu) + offsetof(CpuLocal, early_ticks));
}

std::uint64_t GuestKernelView::shootdown_timeouts(CpuId cpu) const {
  return memory_.read<std::uint64_t>(cpu_address(cpu) + offsetof(CpuLocal, shootdown_timeouts));
}

GuestKernelView::TraceMarkers GuestKernelView::trace_markers(CpuId cpu) const {
  const VirtAddr slot = cpu_address(cpu) + offsetof(CpuLocal, trace);
  return {memory_.read<std::uint64_t>(slot + offsetof(debug::TraceSlot, count)),
          memory_.read<std::uint64_t>(slot + offsetof(debug::TraceSlot, last_value)),
          memory_.read<std::uint32_t>(slot + offsetof(debug::TraceSlot, last_task))};
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
