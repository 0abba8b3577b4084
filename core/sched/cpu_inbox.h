// Another CPU's door into this CPU's run queue. The run queue is touched only
// by its own CPU; a CPU that wakes or moves a task to another pushes it here
// (lock-free: one compare-and-swap) and sends a reschedule IPI; the owner
// drains the inbox in that IPI's handler. Multi-producer, single consumer.
#pragma once

#include <atomic>

#include "core/cpu_local.h"
#include "core/sched/task.h"

namespace pristine::sched {

inline void inbox_push(CpuLocal& target, Task& task) {
  Task* head = target.inbox.load(std::memory_order_relaxed);
  do {
    task.inbox_next = head;
  } while (!target.inbox.compare_exchange_weak(head, &task, std::memory_order_release,
                                               std::memory_order_relaxed));
}

// Owner only: everything pushed so far, oldest first.
inline Task* inbox_take_all(CpuLocal& cpu) {
  Task* lifo = cpu.inbox.exchange(nullptr, std::memory_order_acquire);
  Task* fifo = nullptr;
  while (lifo) {
    Task* next = lifo->inbox_next;
    lifo->inbox_next = fifo;
    fifo = lifo;
    lifo = next;
  }
  return fifo;
}

}  // namespace pristine::sched
