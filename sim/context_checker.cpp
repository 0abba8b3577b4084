#include "sim/context_checker.h"
#include "sim/vector_names.h"

#include <fmt/format.h>

#include <algorithm>

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

ContextChecker::ContextChecker(ContextLimits limits, Namer task_name, Describer describe)
    : limits_(limits), task_name_(std::move(task_name)), describe_(std::move(describe)) {}

ContextChecker::TaskState& ContextChecker::state(int task) {
  if (static_cast<std::size_t>(task) >= tasks_.size()) tasks_.resize(task + 1);
  return tasks_[task];
}

void ContextChecker::report(int task, Kind kind, std::string what, std::string message, VirtAddr rip,
                            PathId path, Cycles now) {
  TaskState& t = state(task);
  if (t.reported & kind) return;
  t.reported |= kind;
  violations_.push_back({.kind = std::move(what),
                         .message = fmt::format("task {}: {} ({})", task_name_(task), message,
                                                path == kNoPath ? "on its first entry"
                                                                : "after " + path_name(kGuestArchitecture, path, false)),
                         .symbol = describe_(rip),
                         .rip = rip,
                         .vector = path < kSyscallPathBase ? std::optional<Vector>(static_cast<Vector>(path)) : std::nullopt,
                         .at_cycle = now});
}

void ContextChecker::leave_user(const GuestCpu& cpu, int task, PathId path, Cycles now,
                                std::uint64_t instructions) {
  if (task < 0) return;
  TaskState& t = state(task);
  if (t.running_user) {
    t.running_user = false;
    if (instructions == t.resumed_at_instruction) {
      if (++t.empty_stints >= limits_.max_empty_stints) {
        report(task, kNoProgress, "no-forward-progress",
               fmt::format("resumed {} times in a row without executing one user instruction", t.empty_stints),
               cpu.pc(), path, now);
      }
    } else {
      t.empty_stints = 0;
    }
  }
  Snapshot& s = t.saved;
  s.context = capture_user_context(cpu);
  if (s.context.fpu) t.fpu = s.context.fpu;
  s.path = path;
  s.valid = true;
}

bool ContextChecker::occupant(int task, std::uint32_t generation) {
  if (task < 0) return false;
  TaskState& t = state(task);
  if (t.generation == generation) return false;
  t = TaskState{};
  t.generation = generation;
  return true;
}

void ContextChecker::enter_user(const GuestCpu& cpu, int task, Cycles now, std::uint64_t instructions) {
  if (task < 0) return;
  TaskState& t = state(task);
  const UserContext now_context = capture_user_context(cpu);
  const VirtAddr rip = now_context.pc;
  if (kPerCpuBaseSwapped && is_kernel_address(now_context.per_cpu_base)) {
    report(task, kGsBase, "gs-base",
           fmt::format("ring 3 runs with the kernel's GS base {:#x} (a missing swapgs)", now_context.per_cpu_base),
           rip, t.saved.path, now);
  }
  if (t.saved.valid) {
    const Snapshot& s = t.saved;
    std::string diffs = user_context_changes(s.context, now_context, is_syscall_path(s.path));
    if (now_context.fpu && t.fpu) diffs += fpu_changes(*t.fpu, *now_context.fpu);
    if (!diffs.empty()) {
      report(task, kClobber, "register-clobbered", fmt::format("resumed with changed registers:{}", diffs), rip,
             s.path, now);
    }
  }
  t.saved.valid = false;
  t.running_user = true;
  t.resumed_at_instruction = instructions;
  t.last_resumed = now;
}

void ContextChecker::check_waits(Cycles now, int task_count, const std::function<bool(int)>& runnable) {
  if (limits_.max_runnable_wait == 0) return;
  for (int task = 0; task < task_count; ++task) {
    TaskState& t = state(task);
    const bool waiting = runnable(task);
    if (waiting && !t.was_runnable) t.runnable_seen = now;
    t.was_runnable = waiting;
    if (!waiting) continue;
    // CPUs' clocks differ by up to a quantum: a time seen on another CPU may be ahead of `now`.
    const Cycles since = std::min(now, std::max(t.last_resumed, t.runnable_seen));
    if (now - since > limits_.max_runnable_wait) {
      report(task, kStarved, "starved",
             fmt::format("runnable but not run for {} cycles (bound {})", now - since, limits_.max_runnable_wait),
             0, t.saved.path, now);
    }
  }
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
