// The kernel's own structures as the simulator reads them from guest memory:
// the per-CPU array and the task table, found by their extern "C" names
// (pristine_cpu_local, pristine_tasks) and read field by field with offsetof
// from the very headers the kernel is built from (core/cpu_local.h,
// core/sched/task.h). Nothing else in the simulator reads kernel data.
// Reads never trust the guest: an index out of range reads as "no task".
//
// Part of the engine compiled once per guest architecture (sim/guest_arch.h):
// the structures' layouts differ between them (a Task holds its
// architecture's FpuState, arch/fpu_state.h: 512 bytes on x86-64, 528 on
// AArch64), so each copy is built with its architecture's headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/sched/task.h"
#include "sim/guest_arch.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"


namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

// One task table entry, as the report needs it.
struct GuestTask {
  std::string name;
  bool user = false;
  TaskState state = TaskState::Dead;
  CpuId cpu = 0;
  std::uint32_t priority = 0;
  std::uint64_t ticks_run = 0, switches_in = 0, gave_up = 0;
  Cycles run_cycles = 0, wait_cycles = 0, running_since = 0, runnable_since = 0;
  Cycles max_wait = 0, max_wake_latency = 0;
  std::uint64_t wakeups = 0, migrations = 0;
  std::int64_t exit_code = 0;
  std::uint32_t fault_vector = kNoFault;
  VirtAddr fault_ip = 0, fault_address = 0;
  std::uint64_t fault_error = 0;
  VirtAddr progress_counter = 0;  // 0: the task has none
};

class GuestKernelView {
 public:
  GuestKernelView(const GuestImage& image, const GuestMemory& memory);

  // The task table.
  std::uint32_t task_count() const;  // clamped to kMaxTasks
  std::string task_name(int task) const;
  TaskState task_state(int task) const;
  // The slot's occupant count (Task::generation): it changes when a spawn or
  // thread_create reuses the slot.
  std::uint32_t task_generation(int task) const;
  bool task_is_user(int task) const;
  std::optional<int> find_task(std::string_view name) const;
  GuestTask task(int task) const;
  // A task's progress counter (GuestTask::progress_counter); 0 if unreadable.
  std::uint64_t progress(VirtAddr counter) const { return memory_.read_or<std::uint64_t>(counter, 0); }

  // Per CPU.
  int current_task(CpuId cpu) const;  // -1: none (or not a task table entry)
  // The task a ring-3 driver bound device line `line` to (core/drivers/
  // user_interrupts.h); -1: unbound.
  int interrupt_line_owner(unsigned line) const;
  bool is_idle_task(int task, std::uint32_t cpus) const;
  std::uint64_t switches(CpuId cpu) const;
  std::uint32_t slice_ticks(CpuId cpu) const;
  std::uint64_t early_ticks(CpuId cpu) const;
  std::uint64_t shootdown_timeouts(CpuId cpu) const;
  // The CPU's trace_marker slot (core/debug/debug_calls.h).
  struct TraceMarkers {
    std::uint64_t count = 0;
    std::uint64_t last_value = 0;
    std::uint32_t last_task = 0;
  };
  TraceMarkers trace_markers(CpuId cpu) const;

 private:
  VirtAddr task_address(int task) const;
  VirtAddr cpu_address(CpuId cpu) const;

  const GuestMemory& memory_;
  VirtAddr cpu_local_;  // pristine_cpu_local
  VirtAddr tasks_;      // pristine_tasks
  VirtAddr user_interrupts_;  // pristine_user_interrupts (0: an image without them)
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
