#include "core/kernel_main.h"

#include "core/boot_info.h"
#include "core/console.h"
#include "core/cpu_local.h"
#include "core/interrupt/vectors.h"
#include "core/panic.h"
#include "core/sched/scheduler.h"
#include "core/kernel_threads.h"
#include "core/smp/cpu_set.h"
#include "core/smp/secondary_cpus.h"
#include "core/smp/stop_all.h"
#include "core/syscall/syscall.h"

namespace pristine {
namespace {

// A ring-3 task's counter lives in its own address space: look through it.
std::uint64_t progress_of(const Task& task) {
  if (task.progress_counter == 0) return 0;
  if (task.address_space != 0) machine::switch_address_space(task.address_space);
  return *reinterpret_cast<const volatile std::uint64_t*>(task.progress_counter);
}

void write_stats_line(const char* name, const char* suffix, const PathStats& stats) {
  console::write("  ");
  console::write(name);
  console::write(suffix);
  console::write(" ");
  console::write_dec(stats.count());
  console::write(" ");
  console::write_dec(stats.min());
  console::write(" ");
  console::write_dec(stats.sum() / stats.count());
  console::write(" ");
  console::write_dec(stats.max());
  console::write("\n");
}

std::uint32_t cpu_count() {
  const std::uint32_t n = pristine_boot_info.cpu_count;
  return n == 0 ? 1 : (n > kMaxCpus ? kMaxCpus : n);
}

std::uint64_t load(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

// When the CPU's part of the run ended: stop-all halted it, or it is the
// reporting CPU (now).
Cycles end_of_run(const CpuLocal& cpu) { return cpu.stopped_at != 0 ? cpu.stopped_at : machine::now(); }

// The time a task ran, its current stint included (Task::run_cycles counts
// up to its last switch-out only).
Cycles run_time(const Task& task) {
  Cycles run = task.run_cycles;
  if (task.state == TaskState::Running) run += end_of_run(g_cpu_local[task.cpu]) - task.running_since;
  return run;
}

// Ticks expected on the CPU's grid from its first deadline until it stopped
// (stop-all) or the run ended.
std::uint64_t expected_ticks(const CpuLocal& cpu) {
  const Cycles end = cpu.stopped_at != 0 ? cpu.stopped_at : cpu.shutdown_at;
  return end > cpu.first_deadline ? (end - cpu.first_deadline) / cpu.tick_period + 1 : 0;
}

void write_cpu_report(const CpuLocal& cpu) {
  console::write("cpu ");
  console::write_dec(cpu.id);
  console::write(": ticks=");
  console::write_dec(cpu.ticks);
  console::write(" missed=");
  console::write_dec(load(cpu.missed_ticks));
  console::write(" early=");
  console::write_dec(load(cpu.early_ticks));
  console::write(" switches=");
  console::write_dec(load(cpu.switches));
  console::write(" remote-wakes=");
  console::write_dec(load(cpu.remote_wakes));
  console::write(" shootdowns=");
  console::write_dec(load(cpu.shootdowns));
  console::write(" flushes-for-others=");
  console::write_dec(load(cpu.shootdown_flushes));
  console::write(" shootdown-timeouts=");
  console::write_dec(load(cpu.shootdown_timeouts));
  console::write(pristine_boot_info.clock_counts_instructions
                     ? "\nhandlers (instructions (icount) from dispatch entry to exit): vector name count min mean max\n"
                     : "\nhandlers (cycles from dispatch entry to exit): vector name count min mean max\n");
  for (unsigned v = 0; v < 256; ++v) {
    const char* name = vectors::handler_name(static_cast<Vector>(v));
    const PathRecord& path = cpu.interrupt_paths[v];
    if (path.plain.count() != 0) write_stats_line(name, "", path.plain);
    if (path.switched.count() != 0) write_stats_line(name, "+switch", path.switched);
  }
  for (unsigned n = 0; n < kSyscallSlots; ++n) {
    const PathRecord& path = cpu.syscall_paths[n];
    if (path.plain.count() != 0) write_stats_line(syscall_name(n), "", path.plain);
    if (path.switched.count() != 0) write_stats_line(syscall_name(n), "+switch", path.switched);
  }
  const PathStats& switches = cpu.switch_paths.stats();
  if (switches.count() != 0) {
    write_stats_line("paths that switched", "", switches);
    console::write("  switch p50 <= ");
    console::write_dec(cpu.switch_paths.percentile_bound(50));
    console::write(" p99 <= ");
    console::write_dec(cpu.switch_paths.percentile_bound(99));
    console::write("\n");
  }
}

}  // namespace

void kernel_main() {
  const BootInfo& boot = pristine_boot_info;
  if (boot.magic != kBootInfoMagic) panic("boot info missing");
  if (boot.tick_hz == 0 || boot.clock_hz / boot.tick_hz == 0) panic("bad tick rate");

  console::write("Pristine: ");
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
    if (task.program == UserProgram::KernelCounter) {
      create_kernel_counter(task.name, task.priority, where);
    } else if (task.program == UserProgram::KernelStackOverflow) {
      create_kernel_stack_overflow(task.name, where);
    } else {
      // A pinger's partner is named by its index in BootInfo: make it a task id.
      const std::uint64_t arg = task.program == UserProgram::Pinger ? first_boot_task + task.arg : task.arg;
      sched::create_user_task(task.name, task.program, task.priority, arg, where);
    }
  }
  start_secondary_cpus(cpus);
  cpu_enter_scheduler(0);
}

void print_shutdown_report() {
  console::write("\n== shutdown report ==\ntasks:\n");
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    console::write("  ");
    console::write(task.name);
    console::write(" progress=");
    console::write_dec(progress_of(task));
    console::write(" ticks=");
    console::write_dec(task.ticks_run);
    console::write(" switches-in=");
    console::write_dec(task.switches_in);
    console::write(" run=");
    console::write_dec(run_time(task));
    console::write(" max-wait=");
    console::write_dec(task.max_wait);
    console::write(" cpu=");
    console::write_dec(task.cpu);
    console::write(" cpus-run=");
    console::write_hex(task.cpus_run);
    if (task.migrations) {
      console::write(" migrations=");
      console::write_dec(task.migrations);
    }
    if (task.pages_mapped) {
      console::write(" pages-mapped=");
      console::write_dec(task.pages_mapped);
    }
    if (task.wakeups) {
      console::write(" wakeups=");
      console::write_dec(task.wakeups);
      console::write(" max-wake-latency=");
      console::write_dec(task.max_wake_latency);
    }
    if (task.fault_vector != kNoFault) {
      console::write(" killed-by=");
      console::write(vectors::handler_name(static_cast<Vector>(task.fault_vector)));
      console::write(" rip=");
      console::write_hex(task.fault_ip);
      console::write(" error=");
      console::write_hex(task.fault_error);
      if (arch::exception_kind(static_cast<Vector>(task.fault_vector)) == ExceptionKind::PageFault) {
        console::write(" cr2=");
        console::write_hex(task.fault_address);
      }
    }
    console::write(task.state == TaskState::Dead ? " dead\n" : "\n");
  }
  for (CpuId id = 0; id < cpu_count(); ++id) write_cpu_report(g_cpu_local[id]);
  Cycles longest_wait = 0;
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    if (task.is_user && task.max_wait > longest_wait) longest_wait = task.max_wait;
  }
  console::write("longest runnable wait=");
  console::write_dec(longest_wait);
  console::write("\n");
}

void power_off_with_report() {
  smp::stop_other_cpus();
  print_shutdown_report();
  bool pass = true;
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    if (task.progress_counter != 0 && progress_of(task) == 0) {
      console::write("FAIL: task ");
      console::write(task.name);
      console::write(" made no progress\n");
      pass = false;
    }
  }
  // Every CPU ticks on rate (none is starved of its timer), and no TLB
  // shootdown went unanswered.
  for (CpuId id = 0; id < cpu_count(); ++id) {
    const CpuLocal& cpu = g_cpu_local[id];
    const std::uint64_t ticks = cpu.ticks;
    const std::uint64_t expected = expected_ticks(cpu);
    if (id != 0) {
      console::write("cpu ");
      console::write_dec(id);
      console::write(" ");
    }
    console::write("ticks observed=");
    console::write_dec(ticks);
    console::write(" expected=");
    console::write_dec(expected);
    console::write("\n");
    if (ticks * 10 < expected * 9 || ticks * 10 > expected * 11) {
      console::write("FAIL: tick count off by more than 10%\n");
      pass = false;
    }
    if (load(cpu.shootdown_timeouts) != 0) {
      console::write("FAIL: a TLB shootdown was not acknowledged in time\n");
      pass = false;
    }
  }
  console::write(pass ? "verdict: PASS\n" : "verdict: FAIL\n");
  machine::power_off(pass ? 0 : 1);
}

}  // namespace pristine
