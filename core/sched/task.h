// A task: a schedulable context with its own kernel stack. Ring-3 tasks run a
// user program; kernel threads (the idle task) run in ring 0. While a task is
// not running, its whole register state is the TrapFrame at `frame`, on its
// own kernel stack: resuming it is always "load that frame, iretq".
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/machine.h"
#include "core/types.h"

namespace pristine {

using TaskId = std::uint32_t;

enum class TaskState : std::uint32_t { Free = 0, Runnable, Running, Dead };

struct Task {
  TrapFrame* frame;            // saved frame while not running
  VirtAddr kernel_stack_top;   // ring-0 stack for entries from ring 3 (TSS.RSP0)
  PhysAddr address_space;      // page-table root; 0 = the kernel's
  VirtAddr progress_counter;   // user address the program counts at (reports only)
  Task* next;                  // run-queue link
  TaskId id;
  TaskState state;
  std::uint32_t is_user;
  std::uint32_t priority;
  std::uint64_t switches_in;   // times this task was switched to
  std::uint64_t ticks_run;     // timer ticks that found it running
  char name[kTaskNameLength];
  FpuState fpu;
};

// The task table, exported for cold-path readers: the shutdown report, a
// debugger, and the simulator (which reads it from guest memory by symbol).
inline constexpr std::uint32_t kMaxTasks = kMaxBootTasks + 1;  // + idle
struct TaskTable {
  std::uint32_t count;
  std::uint32_t reserved;
  Task tasks[kMaxTasks];
};

// Field offsets the simulator relies on (sim/guest_tasks.cpp).
static_assert(__builtin_offsetof(Task, progress_counter) == 24);
static_assert(__builtin_offsetof(Task, state) == 44);
static_assert(__builtin_offsetof(Task, is_user) == 48);
static_assert(__builtin_offsetof(Task, ticks_run) == 64);
static_assert(__builtin_offsetof(Task, name) == 72);
static_assert(__builtin_offsetof(TaskTable, tasks) == 64);

}  // namespace pristine

extern "C" pristine::TaskTable pristine_tasks;
