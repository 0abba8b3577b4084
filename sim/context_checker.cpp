#include "sim/context_checker.h"

#include <fmt/format.h>

#include <algorithm>

namespace pristine::sim {
namespace {

// Flags a return must restore: CF PF AF ZF SF DF OF and IF.
constexpr std::uint64_t kCheckedFlags = 0x8D5 | (1u << 9) | (1u << 10);
constexpr VirtAddr kKernelHalf = 0xFFFF800000000000;

}  // namespace

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
                                                                : "after " + path_name(path, false)),
                         .symbol = describe_(rip),
                         .rip = rip,
                         .vector = path < kSyscallPathBase ? std::optional<Vector>(static_cast<Vector>(path)) : std::nullopt,
                         .cycles = now});
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
               cpu.reg(UC_X86_REG_RIP), path, now);
      }
    } else {
      t.empty_stints = 0;
    }
  }
  Snapshot& s = t.saved;
  for (int i = 0; i < 16; ++i) s.gpr[i] = cpu.reg(kGprIds[i]);
  s.rip = cpu.reg(UC_X86_REG_RIP);
  s.rflags = cpu.reg(UC_X86_REG_RFLAGS);
  s.gs_base = cpu.reg(UC_X86_REG_GS_BASE);
  for (int i = 0; i < 16; ++i) check(uc_reg_read(cpu.uc(), UC_X86_REG_XMM0 + i, s.xmm[i].data()), "xmm");
  s.path = path;
  s.valid = true;
}

void ContextChecker::enter_user(const GuestCpu& cpu, int task, Cycles now, std::uint64_t instructions) {
  if (task < 0) return;
  TaskState& t = state(task);
  const VirtAddr rip = cpu.reg(UC_X86_REG_RIP);
  const std::uint64_t gs_base = cpu.reg(UC_X86_REG_GS_BASE);
  if (gs_base >= kKernelHalf) {
    report(task, kGsBase, "gs-base",
           fmt::format("ring 3 runs with the kernel's GS base {:#x} (a missing swapgs)", gs_base), rip,
           t.saved.path, now);
  }
  if (t.saved.valid) {
    const Snapshot& s = t.saved;
    const bool syscall = is_syscall_path(s.path);
    std::string diffs;
    for (int i = 0; i < 16; ++i) {
      if (syscall && (i == 0 || i == 2 || i == 11)) continue;  // RAX result; RCX, R11 clobbered by SYSCALL
      const std::uint64_t now_value = cpu.reg(kGprIds[i]);
      if (now_value != s.gpr[i]) diffs += fmt::format(" {} {:#x}->{:#x}", kGprNames[i], s.gpr[i], now_value);
    }
    if (rip != s.rip) diffs += fmt::format(" rip {:#x}->{:#x}", s.rip, rip);
    const std::uint64_t flags = cpu.reg(UC_X86_REG_RFLAGS);
    if ((flags ^ s.rflags) & kCheckedFlags) diffs += fmt::format(" rflags {:#x}->{:#x}", s.rflags, flags);
    if (gs_base != s.gs_base && gs_base < kKernelHalf) diffs += fmt::format(" gs_base {:#x}->{:#x}", s.gs_base, gs_base);
    for (int i = 0; i < 16; ++i) {
      std::array<std::uint8_t, 16> xmm;
      check(uc_reg_read(cpu.uc(), UC_X86_REG_XMM0 + i, xmm.data()), "xmm");
      if (xmm != s.xmm[i]) diffs += fmt::format(" xmm{}", i);
    }
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

}  // namespace pristine::sim
