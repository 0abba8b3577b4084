// A CPU's sleeping tasks, sorted by wake-up time (FIFO among equal times):
// intrusive singly linked list through Task::next. Insertion walks the list
// (at most kMaxTasks entries); the tick takes due tasks from the head in O(1)
// each. Touched only by its own CPU with interrupts disabled.
#pragma once

#include "core/sched/task.h"

namespace pristine::sched {

inline void sleep_list_insert(Task*& head, Task& task) {
  Task** link = &head;
  while (*link && (*link)->wake_at <= task.wake_at) link = &(*link)->next;
  task.next = *link;
  *link = &task;
}

// Take `task` out of the list if it is there (an IPC waiter woken before its
// deadline): walks at most kMaxTasks entries.
inline void sleep_list_remove(Task*& head, Task& task) {
  for (Task** link = &head; *link; link = &(*link)->next) {
    if (*link == &task) {
      *link = task.next;
      return;
    }
  }
}

}  // namespace pristine::sched
