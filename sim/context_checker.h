// Invariants of the interrupt, syscall and switch paths, checked from outside
// the guest at every exit from and return to ring 3:
//   - a task resumes with exactly the registers it left ring 3 with (all
//     GPRs, RIP, RSP, flags, XMM; a syscall may change RAX, RCX, R11 only),
//   - the GS base in ring 3 is the user's (swapgs on every return),
//   - every task makes forward progress: it is never resumed over and over
//     without executing a user instruction (seed 000's starvation), and no
//     runnable task waits longer than a bound.
// A violation names the task, the path and the RIP.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/host_types.h"
#include "sim/arch_run_parts.h"
#include "sim/path_id.h"
#include "sim/report.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct ContextLimits {
  Cycles max_runnable_wait = 0;          // 0: unchecked
  std::uint32_t max_empty_stints = 50;   // consecutive resumes without a user instruction
};

class ContextChecker {
 public:
  static constexpr PathId kNoPath = 0xFFFF;

  using Namer = std::function<std::string(int task)>;
  using Describer = std::function<std::string(VirtAddr)>;

  ContextChecker(ContextLimits limits, Namer task_name, Describer describe);

  // The CPU leaves ring 3 through `path` while `task` runs.
  void leave_user(const GuestCpu& cpu, int task, PathId path, Cycles now, std::uint64_t instructions);
  // `task`'s slot holds occupant `generation` (GuestKernelView::
  // task_generation): a new one starts with nothing saved. True if new.
  bool occupant(int task, std::uint32_t generation);
  // The CPU is back in ring 3, running `task`.
  void enter_user(const GuestCpu& cpu, int task, Cycles now, std::uint64_t instructions);
  // At a tick: `runnable(task)` says whether the task is waiting for the CPU
  // (in the kernel's run queue). The wait is measured from the later of its
  // last resume and the first tick that saw it runnable.
  void check_waits(Cycles now, int task_count, const std::function<bool(int)>& runnable);

  const std::vector<Violation>& violations() const { return violations_; }

 private:
  struct Snapshot {
    UserContext context;
    PathId path = kNoPath;
    bool valid = false;
  };
  struct TaskState {
    Snapshot saved;
    std::optional<FpuRegisters> fpu;  // the task's FPU registers when it last had them loaded
    Cycles last_resumed = 0;
    std::uint64_t resumed_at_instruction = 0;
    bool running_user = false;
    bool was_runnable = false;
    Cycles runnable_seen = 0;
    std::uint32_t empty_stints = 0;
    std::uint32_t reported = 0;  // bit per violation kind, so each is reported once per task
    std::uint32_t generation = 0;  // the slot's occupant these belong to
  };
  enum Kind : std::uint32_t { kClobber = 1, kGsBase = 2, kNoProgress = 4, kStarved = 8 };

  TaskState& state(int task);
  void report(int task, Kind kind, std::string what, std::string message, VirtAddr rip, PathId path, Cycles now);

  ContextLimits limits_;
  Namer task_name_;
  Describer describe_;
  std::vector<TaskState> tasks_;
  std::vector<Violation> violations_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
