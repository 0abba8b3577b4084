// Where one CPU's cycles went: to a task's own code, or to interrupt and
// exception handlers. A task's own cycles are those its CPU spent outside
// every interrupt and exception handler while it was the current task: its
// ring-3 code (or a kernel thread's ring-0 code) and its system calls, the
// switch done inside a system call included (docs/scenarios.md, CPU share).
// The simulator tells it every change at the points it already sees them:
// a delivery or a `syscall` (a record opened) and the first block after a
// return (a record closed, possibly into another task).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/host_types.h"

namespace pristine::sim {

class OwnTime {
 public:
  static constexpr int kNoTask = -1;  // boot code before the scheduler starts

  // From `now` on, the CPU runs a handler (`in_handler`) or else the code of
  // `task`. The cycles since the last change go to what ran until now.
  void change(Cycles now, bool in_handler, int task) {
    charge(now);
    if (task != kNoTask && task_ == kNoTask && first_task_at_ == 0) first_task_at_ = now;
    in_handler_ = in_handler;
    task_ = task;
  }

  // `task`'s slot has a new occupant (a reused task slot): its own cycles
  // start again.
  void forget(int task) {
    if (task >= 0 && static_cast<std::size_t>(task) < own_.size()) own_[task] = 0;
  }

  // When the CPU first ran a task's code (its boot ended), 0 if it never did.
  Cycles first_task_at() const { return first_task_at_; }

  // Own cycles of `task` up to `end` (the CPU's clock at the end of the run).
  Cycles own(int task, Cycles end) const {
    Cycles cycles = task >= 0 && static_cast<std::size_t>(task) < own_.size() ? own_[task] : 0;
    if (!in_handler_ && task == task_ && end > since_) cycles += end - since_;
    return cycles;
  }

 private:
  void charge(Cycles now) {
    if (!in_handler_ && task_ >= 0 && now > since_) {
      if (static_cast<std::size_t>(task_) >= own_.size()) own_.resize(task_ + 1, 0);
      own_[task_] += now - since_;
    }
    since_ = now;
  }

  std::vector<Cycles> own_;
  Cycles since_ = 0;
  Cycles first_task_at_ = 0;
  bool in_handler_ = false;
  int task_ = kNoTask;
};

}  // namespace pristine::sim
