#include "core/kernel_main.h"

#include "core/boot_info.h"
#include "core/console.h"
#include "core/cpu_local.h"
#include "core/drivers/drivers.h"
#include "core/panic.h"
#include "core/sched/scheduler.h"
#include "core/kernel_threads.h"
#include "core/smp/cpu_set.h"
#include "core/smp/secondary_cpus.h"

namespace pristine {
namespace {

std::uint32_t cpu_count() {
  const std::uint32_t n = pristine_boot_info.cpu_count;
  return n == 0 ? 1 : (n > kMaxCpus ? kMaxCpus : n);
}

}  // namespace

void kernel_main() {
  const BootInfo& boot = pristine_boot_info;
  if (boot.magic != kBootInfoMagic) panic("boot info missing");
  if (boot.tick_hz == 0 || boot.clock_hz / boot.tick_hz == 0) panic("bad tick rate");

  console::write(kKernelBanner);
  console::write_dec(boot.task_count);
  console::write(" ring-3 tasks, tick ");
  console::write_dec(boot.tick_hz);
  console::write(" Hz, clock ");
  console::write_dec(boot.clock_hz);
  console::write(" Hz, ");
  const std::uint32_t cpus = cpu_count();
  console::write_dec(cpus);
  console::write(cpus == 1 ? " CPU\n" : " CPUs\n");

  // Everything is created here, before any other CPU runs: no locks needed.
  for (CpuId id = 0; id < cpus; ++id) prepare_cpu(id, boot);
  // Drivers first: their bottom-half threads are queued ahead of the tasks,
  // so each reaches its first wait before the first input needs it.
  drivers::start(boot);
  const TaskId first_boot_task = pristine_tasks.count;  // boot task i becomes task first_boot_task + i
  CpuId next_cpu = 0;  // unpinned tasks start round-robin; the balancer evens them out
  for (std::uint32_t i = 0; i < boot.task_count && i < kMaxBootTasks; ++i) {
    const BootTask& task = boot.tasks[i];
    sched::Placement where{next_cpu, false};
    if (task.cpu != kAnyCpu && task.cpu < cpus) {
      where = {task.cpu, true};
    } else {
      next_cpu = (next_cpu + 1) % cpus;
    }
    if (is_kernel_thread(task.program)) {
      create_boot_kernel_thread(task, where);
    } else {
      // A partner is named by its index in BootInfo: make it a task id.
      const std::uint64_t arg = takes_partner(task.program) ? first_boot_task + task.arg : task.arg;
      sched::create_user_task(task.name, task.program, task.priority, arg, where);
    }
  }
  sched::prepare_spare_slots();
  start_secondary_cpus(cpus);
  cpu_enter_scheduler(0);
}

}  // namespace pristine
