// A task: a schedulable context with its own kernel stack. Ring-3 tasks run a
// user program; kernel threads (the idle task) run in ring 0. While a task is
// not running, its whole register state is the TrapFrame at `frame`, on its
// own kernel stack: resuming it is always "load that frame, iretq".
#pragma once

#include <atomic>
#include <cstdint>

#include "core/boot_info.h"
#include "core/debug/debug_calls.h"
#include "core/drivers/driver_table.h"
#include "core/fs/open_file.h"
#include "core/sync/ipc_limits.h"
#include "core/machine.h"
#include "core/types.h"

namespace pristine {

inline constexpr std::uint32_t kMaxCpus = 8;

using TaskId = std::uint32_t;

// Task::parent of a task nobody spawned (the boot tasks, kernel threads).
inline constexpr TaskId kNoParent = 0xFFFFFFFF;

// The ids ring 3 sees (getpid, gettid, spawn, wait_child, ...): the slot in
// the low 8 bits, the slot's generation above (docs/scheduler.md, "Task
// slots"). A slot's generation goes up each time a spawn or thread_create
// takes it, so an id of an earlier occupant names nothing (its calls fail)
// instead of the new one. Boot tasks and kernel threads are generation 0:
// their ids are their slots.
inline constexpr std::uint32_t kSlotBits = 8;
inline constexpr std::uint32_t kMaxGeneration = 0xFFFFFF;

enum class TaskState : std::uint32_t { Free = 0, Runnable, Running, Sleeping, Blocked, Dead };

// Priorities weight the time slice (a task of priority p gets p + 1 base
// slices per turn); every runnable task gets a turn, so none starves.
inline constexpr std::uint32_t kMaxPriority = 3;

inline constexpr std::uint32_t kNoFault = 0xFFFFFFFF;

// Task::turn_left of a task whose next turn starts afresh.
inline constexpr Cycles kFreshTurn = Cycles{~std::uint64_t{0}};

// wait()/wake() handshake between CPUs (Task::wake_state): a wake that finds
// the task not waiting leaves Pending, and its next wait() returns at once.
enum WakeState : std::uint32_t { kWakeNone = 0, kWakePending = 1, kWakeWaiting = 2 };

inline constexpr std::uint64_t kKernelStackSize = 16 * 1024;

struct Task {
  TrapFrame* frame;            // saved frame while not running
  VirtAddr kernel_stack_top;   // ring-0 stack for entries from ring 3 (TSS.RSP0)
  PhysAddr address_space;      // page-table root; 0 = the kernel's
  VirtAddr progress_counter;   // user address the program counts at (reports only)
  Task* next;                  // run-queue or sleep-list link
  TaskId id;
  TaskState state;
  std::uint32_t is_user;
  std::uint32_t priority;
  std::uint32_t priority_ceiling;  // the highest it may set itself (its priority at creation)
  std::uint32_t interrupt_lines;  // bit n: it owns device line n (core/drivers/user_interrupts.h)
  std::uint64_t switches_in;   // times this task was switched to
  std::uint64_t ticks_run;     // timer ticks that found it running
  std::uint64_t gave_up;       // stints it ended itself: wait, sleep, yield, exit or a fatal fault (reports)
  // Not running: what is left of its turn, counted from the next tick
  // (kFreshTurn: a fresh turn is due). Running: CpuLocal::turn_ends_at.
  Cycles turn_left;
  char name[kTaskNameLength];
  Cycles wake_at;              // Sleeping: when to make it runnable
  Cycles runnable_since;       // Runnable: when it joined the run queue
  Cycles max_wait;             // longest time it waited runnable
  Cycles run_cycles;           // total time it ran, up to its last switch-out
  Cycles wait_cycles;          // total time it waited runnable, up to its last switch-in
  Cycles running_since;        // Running: when it was switched in
  std::int64_t exit_code;
  std::uint64_t wakeups;       // times it woke from sleep
  Cycles max_wake_latency;     // longest delay between wake_at and being runnable
  // Why a ring-3 task was ended by a fault (fault_vector < 32), for reports.
  std::uint32_t fault_vector;  // 0xFFFFFFFF: not ended by a fault
  std::uint32_t devices_open;  // bit n: it holds driver n's device open (core/drivers/device_files.h), released at exit
  std::uint32_t files_writing;  // bit n: descriptor n holds an image file open for writing (core/syscall/file_calls.h), released at exit
  VirtAddr fault_ip;
  std::uint64_t fault_error;
  VirtAddr fault_address;      // CR2 for #PF
  // Ring 3: the task's own memory (stack, counter page). A not-present fault
  // inside it is served (demand paging); anywhere else it ends the task.
  VirtAddr private_start;
  VirtAddr private_end;
  std::uint64_t pages_mapped;  // demand-paging faults served
  // SMP. `cpu` owns the task while it is runnable or running (its run queue)
  // and is where it last ran; only that CPU changes the fields above.
  CpuId cpu;
  CpuId pinned_cpu;                       // kAnyCpu: the balancer may move it
  std::atomic<std::uint32_t> wake_state;  // WakeState
  // 1 from the moment a CPU switches to the task until that CPU has left the
  // task's kernel stack (released at its next kernel entry): until then only
  // that CPU may run it again.
  std::atomic<std::uint32_t> on_cpu;
  Task* inbox_next;                       // link in another CPU's wake inbox
  std::uint64_t migrations;               // times the balancer moved it
  std::uint32_t cpus_run;                 // bit n: it ran on CPU n (reports)
  fs::OpenFile files[fs::kMaxOpenFiles];  // its open files, by descriptor
  // Processes: the task that spawned it (kNoParent: a boot task), the task
  // waiting for it to exit (wait_child), and whether its exit was collected.
  TaskId parent;
  std::uint32_t reaped;
  // Slot reuse: this occupant's generation, the ids (as ring 3 sees them) of
  // its process and of its parent, and whether the slot is kept for good
  // once it ends (its process made threads or kernel objects: their traces,
  // in its address space or the object pool, would reach a next occupant).
  std::uint32_t generation;
  std::uint32_t process_id;
  std::uint32_t parent_id;
  std::uint32_t slot_kept;
  std::atomic<Task*> exit_waiter;
  // Threads: the first task of its process (itself for a process; its
  // creator's `process` for a thread, which shares that address space).
  TaskId process;
  // Kernel objects (core/sync/): the wait/wake handshake of a task blocked on
  // one (WakeState, apart from wake_state so a plain wake() never wakes it
  // early), and the mutexes it holds (bit n: pool slot n), released at exit.
  std::atomic<std::uint32_t> object_wake;
  std::atomic<std::uint64_t> mutexes_held;
  // IPC (core/sync/ipc.h). The task writes these before it publishes its bit
  // in an object word (or in the pollers mask); whoever takes that bit out
  // reads them, and may set ipc_result/ipc_deliver before waking it: the
  // result its blocked call returns (applied to its frame where it arrives).
  std::uint32_t ipc_side;      // sync::IpcSide of its wait
  std::uint32_t timed_wait;    // 1 while in its CPU's sleep list for an IPC timeout (that CPU's field)
  std::uint64_t ipc_object;    // the handle it waits on
  VirtAddr ipc_buffer;         // a channel receiver's buffer
  std::uint64_t ipc_length;    // a sender's message length, a receiver's capacity
  std::int64_t ipc_result;
  std::uint32_t ipc_deliver;   // 1: ipc_result is its call's result
  std::uint32_t reserved3;
  // A channel sender's message, while it waits; word-aligned, as the queue's
  // cells, for queue_send's word copy (core/sync/ipc.cpp).
  alignas(8) std::uint8_t ipc_message[ipc::kMaxMessage];
  // Memory (memory_allocate/memory_free, core/mem/heap_regions.h): the
  // regions of its process's heap, in the process's first task only.
  std::atomic<std::uint64_t> heap_regions;
  // Its profiled regions (profile_start/profile_stop, core/debug/debug_calls.h).
  debug::TaskRegions profile;
  FpuState fpu;
};

// The task table, exported for cold-path readers: the shutdown report, a
// debugger, and the simulator (which reads it from guest memory by symbol).
// + one idle task per CPU + one bottom-half thread per driver (core/drivers/drivers.h)
inline constexpr std::uint32_t kMaxTasks = kMaxBootTasks + kMaxCpus + drivers::kDriverCount;
struct TaskTable {
  std::uint32_t count;
  // Collected slots (bit n: slot n's task exited and its exit was collected):
  // a spawn or thread_create may take one again (docs/scheduler.md, "Task slots").
  std::atomic<std::uint32_t> collected;
  Task tasks[kMaxTasks];
};

// The simulator reads this layout with offsetof from this same header; the
// FPU area must keep the alignment the architecture asks for (arch/fpu_state.h).
static_assert(__builtin_offsetof(Task, fpu) % alignof(FpuState) == 0);

}  // namespace pristine

extern "C" pristine::TaskTable pristine_tasks;

namespace pristine {

// The id ring 3 sees for `task`.
inline std::uint32_t public_id(const Task& task) { return task.id | task.generation << kSlotBits; }

// The task an id from ring 3 names: its slot's current occupant if the
// generation matches, else null (a stale id, or no such slot).
inline Task* task_by_id(std::uint64_t id) {
  const std::uint64_t slot = id & ((1u << kSlotBits) - 1);
  if (slot >= pristine_tasks.count) return nullptr;
  Task& task = pristine_tasks.tasks[slot];
  return (id >> kSlotBits) == task.generation ? &task : nullptr;
}

}  // namespace pristine
