#include "core/sched/scheduler.h"

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/panic.h"
#include "core/user_programs.h"

pristine::TaskTable pristine_tasks = {};

namespace pristine::sched {
namespace {

inline constexpr std::uint64_t kKernelStackSize = 16 * 1024;
inline constexpr std::uint64_t kUserStackSize = 16 * 1024;

alignas(16) std::uint8_t g_kernel_stacks[kMaxTasks][kKernelStackSize];

Task* allocate_task(const char* name) {
  if (pristine_tasks.count == kMaxTasks) panic("task table full");
  const TaskId id = pristine_tasks.count++;
  Task& task = pristine_tasks.tasks[id];
  task.id = id;
  task.state = TaskState::Runnable;
  task.kernel_stack_top = reinterpret_cast<VirtAddr>(&g_kernel_stacks[id][kKernelStackSize]);
  std::uint32_t i = 0;
  for (; name[i] != '\0' && i + 1 < kTaskNameLength; ++i) task.name[i] = name[i];
  task.name[i] = '\0';
  machine::init_fpu_state(task.fpu);
  return &task;
}

void idle_loop(std::uint64_t) {
  for (;;) machine::halt_until_interrupt();
}

// The switch itself: the outgoing task's frame is saved, the incoming task's
// machine state loaded. Interrupts are off (we are in an interrupt handler).
PRISTINE_HOT TrapFrame* switch_to(CpuLocal& cpu, Task& prev, TrapFrame* prev_frame, Task& next) {
  prev.frame = prev_frame;
  machine::switch_fpu(prev.fpu, next.fpu);
  machine::set_kernel_stack(next.kernel_stack_top);
  if (next.address_space != prev.address_space) machine::switch_address_space(next.address_space);
  next.state = TaskState::Running;
  next.switches_in++;
  cpu.current = &next;
  cpu.slice_left = cpu.slice_ticks;
  cpu.switches.store(cpu.switches.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return next.frame;
}

}  // namespace

Task* create_user_task(const char* name, UserProgram program, std::uint32_t priority) {
  Task* task = allocate_task(name);
  const UserProgramImage image = user_program(program, task->id);
  task->is_user = 1;
  task->priority = priority;
  task->progress_counter = image.progress_counter;
  task->frame = machine::prepare_user_frame(task->kernel_stack_top, image.entry, image.stack_top,
                                            image.progress_counter);
  this_cpu().run_queue.push_back(*task);
  return task;
}

Task* create_idle_task() {
  Task* task = allocate_task("idle");
  task->frame = machine::prepare_kernel_frame(task->kernel_stack_top, idle_loop, 0);
  return task;
}

void start(CpuLocal& cpu) {
  Task* first = cpu.run_queue.pop_front();
  if (!first) first = cpu.idle;
  first->state = TaskState::Running;
  first->switches_in++;
  cpu.current = first;
  cpu.slice_left = cpu.slice_ticks;
  machine::set_kernel_stack(first->kernel_stack_top);
  machine::switch_fpu(cpu.idle->fpu, first->fpu);
  machine::enter_frame(first->frame);
}

PRISTINE_HOT TrapFrame* on_tick(CpuLocal& cpu, TrapFrame* frame) {
  Task& current = *cpu.current;
  current.ticks_run++;
  if (cpu.slice_left > 1) {
    cpu.slice_left--;
    return frame;
  }
  Task* next = cpu.run_queue.pop_front();
  if (!next) {
    cpu.slice_left = cpu.slice_ticks;
    return frame;
  }
  if (&current != cpu.idle) {
    current.state = TaskState::Runnable;
    cpu.run_queue.push_back(current);
  }
  return switch_to(cpu, current, frame, *next);
}

PRISTINE_HOT TrapFrame* exit_current(CpuLocal& cpu, TrapFrame* frame) {
  Task& current = *cpu.current;
  current.state = TaskState::Dead;
  Task* next = cpu.run_queue.pop_front();
  if (!next) next = cpu.idle;
  return switch_to(cpu, current, frame, *next);
}

}  // namespace pristine::sched
