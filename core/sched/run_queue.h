// A CPU's queue of runnable tasks: intrusive FIFO, O(1) push and pop, no
// allocation. Touched only by its own CPU with interrupts disabled.
// (Priorities and per-priority queues arrive with the full scheduler.)
#pragma once

#include "core/sched/task.h"

namespace pristine {

class RunQueue {
 public:
  bool empty() const { return head_ == nullptr; }

  void push_back(Task& task) {
    task.next = nullptr;
    if (tail_) {
      tail_->next = &task;
    } else {
      head_ = &task;
    }
    tail_ = &task;
  }

  void push_front(Task& task) {
    task.next = head_;
    head_ = &task;
    if (!tail_) tail_ = &task;
  }

  // The first task the balancer may move (Task::pinned_cpu), taken out.
  Task* take_first_unpinned() {
    Task* prev = nullptr;
    for (Task* task = head_; task; prev = task, task = task->next) {
      if (task->pinned_cpu != kAnyCpu) continue;
      (prev ? prev->next : head_) = task->next;
      if (tail_ == task) tail_ = prev;
      task->next = nullptr;
      return task;
    }
    return nullptr;
  }

  Task* pop_front() {
    Task* task = head_;
    if (task) {
      head_ = task->next;
      if (!head_) tail_ = nullptr;
      task->next = nullptr;
    }
    return task;
  }

 private:
  Task* head_ = nullptr;
  Task* tail_ = nullptr;
};

}  // namespace pristine
