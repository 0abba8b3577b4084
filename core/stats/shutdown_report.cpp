#include "core/stats/shutdown_report.h"

#include "core/syscall/user_access.h"

#include "core/boot_info.h"
#include "core/console.h"
#include "core/cpu_local.h"
#include "core/drivers/drivers.h"
#include "core/drivers/driver_table.h"
#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/interrupt/exception.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "core/sched/task.h"
#include "core/stats/shutdown_report_format.h"
#include "core/syscall/syscall.h"

namespace pristine {
namespace {

namespace record = report::record;
namespace field = report::field;

// One record line: begin it, add fields, end it.
void begin(const char* record_word, const char* subject) {
  console::write(record_word);
  console::write(" ");
  console::write(subject);
}

void begin(const char* record_word, std::uint64_t subject) {
  console::write(record_word);
  console::write(" ");
  console::write_dec(subject);
}

void number(const char* field_word, std::uint64_t value) {
  console::write(" ");
  console::write(field_word);
  console::write(" ");
  console::write_dec(value);
}

void hex(const char* field_word, std::uint64_t value) {
  console::write(" ");
  console::write(field_word);
  console::write(" ");
  console::write_hex(value);
}

void word(const char* field_word, const char* value) {
  console::write(" ");
  console::write(field_word);
  console::write(" ");
  console::write(value);
}

// A histogram's non-empty buckets as one word: low..high:count,...
void buckets(const char* field_word, const PathHistogram& histogram) {
  console::write(" ");
  console::write(field_word);
  console::write(" ");
  const char* separator = "";
  for (unsigned b = 0; b < PathHistogram::kBuckets; ++b) {
    if (histogram.bucket(b) == 0) continue;
    console::write(separator);
    console::write_dec(PathHistogram::bucket_low(b));
    console::write("..");
    console::write_dec(PathHistogram::bucket_high(b));
    console::write(":");
    console::write_dec(histogram.bucket(b));
    separator = ",";
  }
}

void end() { console::write("\n"); }

std::uint32_t cpu_count() {
  const std::uint32_t n = pristine_boot_info.cpu_count;
  return n == 0 ? 1 : (n > kMaxCpus ? kMaxCpus : n);
}

std::uint64_t load(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

// A ring-3 task's counter lives in its own address space: look through it.
// A thread's counter page is mapped at its first count, so the read may
// fault: a fault-safe copy reads 0 there.
std::uint64_t progress_of(const Task& task) {
  if (task.progress_counter == 0) return 0;
  if (!task.is_user) return *pointer_to<const volatile std::uint64_t>(task.progress_counter);  // kernel memory
  if (task.address_space != 0) machine::switch_address_space(task.address_space);
  std::uint64_t progress = 0;
  if (copy_from_user(&progress, task.progress_counter, sizeof progress) != 0) return 0;
  return progress;
}

// When the CPU's part of the run ended: stop-all halted it, or it is the
// reporting CPU (now).
Cycles end_of_run(const CpuLocal& cpu) { return cpu.stopped_at != 0 ? cpu.stopped_at : machine::now(); }

// The time a task ran, its current stint included (Task::run_cycles counts
// up to its last switch-out only).
Cycles run_time(const Task& task) {
  Cycles run = task.run_cycles;
  if (task.state == TaskState::Running) run += end_of_run(pristine_cpu_local[task.cpu]) - task.running_since;
  return run;
}

// Ticks expected on the CPU's grid from its first deadline until it stopped
// (stop-all) or the run ended.
std::uint64_t expected_ticks(const CpuLocal& cpu) {
  const Cycles end = cpu.stopped_at != 0 ? cpu.stopped_at : cpu.shutdown_at;
  return end > cpu.first_deadline ? (end - cpu.first_deadline) / cpu.tick_period + 1 : 0;
}

void write_task(const Task& task) {
  begin(record::kTask, task.name);
  number(field::kTaskProgress, progress_of(task));
  number(field::kTaskTicks, task.ticks_run);
  number(field::kTaskSwitchesIn, task.switches_in);
  number(field::kTaskRun, run_time(task));
  number(field::kTaskMaxWait, task.max_wait);
  number(field::kTaskCpu, task.cpu);
  hex(field::kTaskCpusRun, task.cpus_run);
  number(field::kTaskMigrations, task.migrations);
  number(field::kTaskPagesMapped, task.pages_mapped);
  number(field::kTaskWakeups, task.wakeups);
  number(field::kTaskMaxWakeLatency, task.max_wake_latency);
  word(field::kTaskState, task.state == TaskState::Dead ? "dead" : "alive");
  if (task.fault_vector != kNoFault) {
    word(field::kTaskKilledBy, vectors::handler_name(static_cast<Vector>(task.fault_vector)));
    hex(field::kTaskFaultRip, task.fault_ip);
    hex(field::kTaskFaultError, task.fault_error);
    if (arch::exception_kind(static_cast<Vector>(task.fault_vector)) == ExceptionKind::PageFault) {
      hex(field::kTaskFaultAddress, task.fault_address);
    }
  }
  end();
}

void write_cpu(const CpuLocal& cpu) {
  begin(record::kCpu, cpu.id);
  number(field::kCpuTicks, cpu.ticks);
  number(field::kCpuExpectedTicks, expected_ticks(cpu));
  number(field::kCpuMissed, load(cpu.missed_ticks));
  number(field::kCpuEarly, load(cpu.early_ticks));
  number(field::kCpuSwitches, load(cpu.switches));
  number(field::kCpuRemoteWakes, load(cpu.remote_wakes));
  number(field::kCpuShootdowns, load(cpu.shootdowns));
  number(field::kCpuFlushesForOthers, load(cpu.shootdown_flushes));
  number(field::kCpuShootdownTimeouts, load(cpu.shootdown_timeouts));
  end();
}

void write_path(const char* name, const char* suffix, CpuId cpu, const PathStats& stats) {
  if (stats.count() == 0) return;
  console::write(record::kPath);
  console::write(" ");
  console::write(name);
  console::write(suffix);
  number(field::kPathCpu, cpu);
  number(field::kPathCount, stats.count());
  number(field::kPathMin, stats.min());
  number(field::kPathMean, stats.sum() / stats.count());
  number(field::kPathMax, stats.max());
  end();
}

void write_paths(const CpuLocal& cpu) {
  for (unsigned v = 0; v < 256; ++v) {
    const char* name = vectors::handler_name(static_cast<Vector>(v));
    write_path(name, "", cpu.id, cpu.interrupt_paths[v].plain);
    write_path(name, "+switch", cpu.id, cpu.interrupt_paths[v].switched);
  }
  for (unsigned n = 0; n < kSyscallSlots; ++n) {
    write_path(syscall_name(n), "", cpu.id, cpu.syscall_paths[n].plain);
    write_path(syscall_name(n), "+switch", cpu.id, cpu.syscall_paths[n].switched);
  }
  const PathStats& switches = cpu.switch_paths.stats();
  if (switches.count() == 0) return;
  begin(record::kSwitchPaths, cpu.id);
  number(field::kSwitchPathsCount, switches.count());
  number(field::kSwitchPathsMin, switches.min());
  number(field::kSwitchPathsMean, switches.sum() / switches.count());
  number(field::kSwitchPathsMax, switches.max());
  number(field::kSwitchPathsP50, cpu.switch_paths.percentile_bound(50));
  number(field::kSwitchPathsP99, cpu.switch_paths.percentile_bound(99));
  buckets(field::kSwitchPathsBuckets, cpu.switch_paths);
  end();
}

// The debug calls' figures (core/debug/debug_calls.h): a CPU's markers,
// then each region closed on it.
void write_debug(const CpuLocal& cpu) {
  if (const std::uint64_t markers = load(cpu.trace.count); markers != 0) {
    begin(record::kTrace, cpu.id);
    number(field::kTraceCount, markers);
    number(field::kTraceLastValue, load(cpu.trace.last_value));
    number(field::kTraceLastTask, cpu.trace.last_task.load(std::memory_order_relaxed));
    end();
  }
  for (std::uint32_t r = 0; r < debug::kProfileRegions; ++r) {
    const PathHistogram& region = cpu.profile.regions[r];
    const PathStats& spans = region.stats();
    if (spans.count() == 0) continue;
    begin(record::kProfile, debug::kRegionNames[r]);
    number(field::kProfileCpu, cpu.id);
    number(field::kProfileCount, spans.count());
    number(field::kProfileMin, spans.min());
    number(field::kProfileMean, spans.sum() / spans.count());
    number(field::kProfileMax, spans.max());
    number(field::kProfileP50, region.percentile_bound(50));
    number(field::kProfileP99, region.percentile_bound(99));
    buckets(field::kProfileBuckets, region);
    end();
  }
}

// nic0's counts, when its driver was started.
void write_nic() {
  if (!drivers::started(drivers::DriverId::Nic0)) return;
  const nic::NicStats& stats = pristine_nic0.stats;
  begin(record::kDevice, drivers::kDrivers[static_cast<std::uint32_t>(drivers::DriverId::Nic0)].name);
  number(field::kDeviceInterrupts, load(stats.interrupts));
  number(field::kDeviceOverruns, load(stats.overruns));
  number(field::kDevicePackets, load(stats.packets));
  number(field::kDeviceBytes, load(stats.bytes));
  number(field::kDeviceBadDescriptors, load(stats.bad_descriptors));
  hex(field::kDeviceChecksum, load(stats.checksum));
  number(field::kDeviceBottomHalfRuns, load(stats.bottom_half_runs));
  end();
}

// uart0's counts, when its driver was started; then nic0's.
void write_devices() {
  write_nic();
  if (!drivers::started(drivers::DriverId::Uart0)) return;
  const uart::UartStats& stats = pristine_uart0.stats;
  begin(record::kDevice, drivers::kDrivers[static_cast<std::uint32_t>(drivers::DriverId::Uart0)].name);
  number(field::kDeviceInterrupts, load(stats.interrupts));
  number(field::kDeviceCaptured, load(stats.captured));
  number(field::kDeviceRingFull, load(stats.ring_full));
  number(field::kDeviceOverruns, load(stats.overruns));
  number(field::kDeviceConsumed, load(stats.consumed));
  hex(field::kDeviceChecksum, load(stats.checksum));
  number(field::kDeviceBottomHalfRuns, load(stats.bottom_half_runs));
  number(field::kDeviceDelivered, load(stats.delivered));
  number(field::kDeviceReaderOverflow, load(stats.reader_overflow));
  number(field::kDeviceRead, load(stats.read));
  number(field::kDeviceFlushed, load(stats.flushed));
  number(field::kDeviceTransmitted, load(stats.transmitted));
  hex(field::kDeviceTransmitChecksum, load(stats.transmit_checksum));
  number(field::kDeviceTransmitBusy, load(stats.transmit_busy));
  end();
}

// The checks of the run: a failure record for each that failed.
bool write_failures() {
  bool pass = true;
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    // A thread counts only if its program says so (its process is judged).
    const bool thread = task.process != task.id;
    if (task.progress_counter != 0 && !thread && progress_of(task) == 0) {
      begin(record::kFailure, "no-progress");
      word(field::kFailureTask, task.name);
      end();
      pass = false;
    }
  }
  for (CpuId id = 0; id < cpu_count(); ++id) {
    const CpuLocal& cpu = pristine_cpu_local[id];
    const std::uint64_t ticks = cpu.ticks;
    const std::uint64_t expected = expected_ticks(cpu);
    if (ticks * 10 < expected * 9 || ticks * 10 > expected * 11) {
      begin(record::kFailure, "tick-rate");
      number(field::kFailureCpu, id);
      end();
      pass = false;
    }
    if (load(cpu.shootdown_timeouts) != 0) {
      begin(record::kFailure, "shootdown-timeout");
      number(field::kFailureCpu, id);
      end();
      pass = false;
    }
  }
  return pass;
}

}  // namespace

bool write_shutdown_report() {
  console::write("\n");
  console::write(report::kHeader);
  console::write(" v");
  console::write_dec(report::kShutdownReportVersion);
  console::write("\n");
  begin(record::kClockUnit, pristine_boot_info.clock_unit == ClockUnit::RetiredInstructions ? "instructions" : "cycles");
  end();
  Cycles longest_wait{0};
  for (std::uint32_t i = 0; i < pristine_tasks.count; ++i) {
    const Task& task = pristine_tasks.tasks[i];
    write_task(task);
    if (task.is_user && task.max_wait > longest_wait) longest_wait = task.max_wait;
  }
  for (CpuId id = 0; id < cpu_count(); ++id) write_cpu(pristine_cpu_local[id]);
  for (CpuId id = 0; id < cpu_count(); ++id) write_paths(pristine_cpu_local[id]);
  for (CpuId id = 0; id < cpu_count(); ++id) write_debug(pristine_cpu_local[id]);
  write_devices();
  begin(record::kLongestRunnableWait, longest_wait);
  end();
  const bool pass = write_failures();
  begin(record::kVerdict, pass ? "pass" : "fail");
  end();
  console::write(report::kEnd);
  console::write("\n");
  return pass;
}

}  // namespace pristine
