#include "core/kernel_main.h"

#include "core/boot_info.h"
#include "core/console.h"
#include "core/cpu_local.h"
#include "core/interrupt/vectors.h"
#include "core/panic.h"
#include "core/sched/scheduler.h"
#include "core/kernel_threads.h"
#include "core/time/timer_tick.h"

namespace pristine {
namespace {

// About 1 ms per slice, at least one tick.
std::uint32_t slice_ticks_for(std::uint32_t tick_hz) {
  const std::uint32_t ticks = tick_hz / 1000;
  return ticks == 0 ? 1 : ticks;
}

// A ring-3 task's counter lives in its own address space: look through it.
std::uint64_t progress_of(const Task& task) {
  if (task.progress_counter == 0) return 0;
  if (task.address_space != 0) machine::switch_address_space(task.address_space);
  return *reinterpret_cast<const volatile std::uint64_t*>(task.progress_counter);
}

void write_stats_line(const char* name, const PathStats& stats) {
  console::write("  ");
  console::write(name);
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
  console::write(" Hz\n");

  CpuLocal& cpu = this_cpu();
  cpu.slice_ticks = slice_ticks_for(boot.tick_hz);
  cpu.clock_hz = boot.clock_hz;
  cpu.idle = sched::create_idle_task();
  for (std::uint32_t i = 0; i < boot.task_count && i < kMaxBootTasks; ++i) {
    const BootTask& task = boot.tasks[i];
    if (task.program == UserProgram::KernelCounter) {
      create_kernel_counter(task.name, task.priority);
    } else if (task.program == UserProgram::KernelStackOverflow) {
      create_kernel_stack_overflow(task.name);
    } else {
      sched::create_user_task(task.name, task.program, task.priority, task.arg);
    }
  }
  timer_start(cpu, boot.clock_hz / boot.tick_hz);
  if (boot.run_cycles != 0) cpu.shutdown_at = cpu.first_deadline + boot.run_cycles;
  sched::start(cpu);
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
    console::write_dec(task.run_cycles);
    console::write(" max-wait=");
    console::write_dec(task.max_wait);
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
      if (task.fault_vector == vectors::kPageFault) {
        console::write(" cr2=");
        console::write_hex(task.fault_address);
      }
    }
    console::write(task.state == TaskState::Dead ? " dead\n" : "\n");
  }
  const CpuLocal& cpu = g_cpu_local[0];
  console::write("ticks=");
  console::write_dec(cpu.ticks.load(std::memory_order_relaxed));
  console::write(" missed=");
  console::write_dec(cpu.missed_ticks.load(std::memory_order_relaxed));
  console::write(" early=");
  console::write_dec(cpu.early_ticks.load(std::memory_order_relaxed));
  console::write(" switches=");
  console::write_dec(cpu.switches.load(std::memory_order_relaxed));
  console::write(pristine_boot_info.clock_counts_instructions
                     ? "\nhandlers (instructions (icount) from dispatch entry to exit): vector name count min mean max\n"
                     : "\nhandlers (cycles from dispatch entry to exit): vector name count min mean max\n");
  for (unsigned v = 0; v < 256; ++v) {
    if (cpu.path[v].count() == 0) continue;
    write_stats_line(vectors::handler_name(static_cast<Vector>(v)), cpu.path[v]);
  }
  constexpr const char* kSyscallNames[8] = {"syscall/yield", "syscall/sleep",   "syscall/exit", "syscall/getpid",
                                            "syscall/write", "syscall/invalid", "syscall/invalid", "syscall/invalid"};
  for (unsigned n = 0; n < 8; ++n) {
    if (cpu.syscall[n].count() != 0) write_stats_line(kSyscallNames[n], cpu.syscall[n]);
  }
  const PathStats& switches = cpu.switch_paths.stats();
  if (switches.count() != 0) {
    write_stats_line("paths that switched", switches);
    console::write("  switch p50 <= ");
    console::write_dec(cpu.switch_paths.percentile_bound(50));
    console::write(" p99 <= ");
    console::write_dec(cpu.switch_paths.percentile_bound(99));
    console::write("\n");
  }
  Cycles longest_wait = 0;
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    if (&task != cpu.idle && task.max_wait > longest_wait) longest_wait = task.max_wait;
  }
  console::write("longest runnable wait=");
  console::write_dec(longest_wait);
  console::write("\n");
}

void power_off_with_report() {
  print_shutdown_report();
  const CpuLocal& cpu = g_cpu_local[0];
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
  const std::uint64_t ticks = cpu.ticks.load(std::memory_order_relaxed);
  const std::uint64_t expected =
      cpu.shutdown_at > cpu.first_deadline ? (cpu.shutdown_at - cpu.first_deadline) / cpu.tick_period + 1 : 0;
  console::write("ticks observed=");
  console::write_dec(ticks);
  console::write(" expected=");
  console::write_dec(expected);
  console::write("\n");
  if (ticks * 10 < expected * 9 || ticks * 10 > expected * 11) {
    console::write("FAIL: tick count off by more than 10%\n");
    pass = false;
  }
  console::write(pass ? "verdict: PASS\n" : "verdict: FAIL\n");
  machine::power_off(pass ? 0 : 1);
}

}  // namespace pristine
