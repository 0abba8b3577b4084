// The ring-3 runtime of Pristine's C++ programs (kernel-image/user/programs/,
// docs/user-programs.md): the program entry, system-call wrappers, and the
// few string and memory helpers a freestanding program needs. Nothing here
// allocates; a program keeps its state on its stack or in its private slot
// (core/user_layout.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/sync/ipc_limits.h"
#include "core/syscall/device_io.h"
#include "core/syscall/file_stat.h"
#include "core/syscall/system_info.h"
#include "kernel-image/user/runtime/system_calls.h"

namespace pristine::user {

using ::pristine::FileStat;
using ::pristine::SystemInfo;

// What the kernel starts a program with: its progress counter (in its
// private slot; the reports' "progress") and its one argument (what the
// program's ProgramArg kind says it is, core/program_list.def).
struct Start {
  std::uint64_t* counter;
  std::uint64_t arg;
};

// ---- system calls -----------------------------------------------------------
[[noreturn]] void exit(std::int64_t code);
inline Result yield() { return call(Sys::Yield); }
inline Result sleep_ns(std::uint64_t ns) { return call(Sys::Sleep, ns); }
inline Result getpid() { return call(Sys::GetPid); }
inline Result write(const void* buffer, std::size_t length) {
  return call(Sys::Write, reinterpret_cast<std::uint64_t>(buffer), length);
}
inline Result wait() { return call(Sys::Wait); }
inline Result wake(std::uint64_t task) { return call(Sys::Wake, task); }
inline Result unmap(const void* page) { return call(Sys::Unmap, reinterpret_cast<std::uint64_t>(page)); }
// A page of its own stack or heap mapped now (zeroed if new).
inline Result map(const void* page) { return call(Sys::Map, reinterpret_cast<std::uint64_t>(page)); }
// A heap page read-only (writable = false) or writable again.
inline Result protect(const void* page, bool writable) {
  return call(Sys::Protect, reinterpret_cast<std::uint64_t>(page), writable ? 1 : 0);
}
// Nanoseconds since boot, from the kernel's clock.
inline Result clock_ns() { return call(Sys::Clock); }
// Fill `info` (core/syscall/system_info.h); the bytes copied.
inline Result sysinfo(SystemInfo& info) {
  return call(Sys::SysInfo, reinterpret_cast<std::uint64_t>(&info), sizeof info);
}

// Processes: a new task running `program(arg)`, child of the caller (its id);
// the child's exit code once it exited (waits; -ECHILD if not a child or
// already collected); the id of the task that spawned the caller.
inline Result spawn(Program program, std::uint64_t arg = 0) {
  return call(Sys::Spawn, static_cast<std::uint64_t>(program), arg);
}
Result wait_child(std::uint64_t id);
inline Result getppid() { return call(Sys::GetPpid); }

// Threads (docs/syscalls.md, "Threads"): a thread of the caller's process
// runs `entry(counter, arg)` on a stack of its own, in the same address
// space; define one with PRISTINE_USER_THREAD. thread_join waits for it (its
// creator only) and returns its exit code; getpid is the process's id,
// gettid the thread's own.
using ThreadEntry = void (*)(std::uint64_t* counter, std::uint64_t arg);
inline Result thread_create(ThreadEntry entry, std::uint64_t arg) {
  return call(Sys::ThreadCreate, reinterpret_cast<std::uint64_t>(entry), arg);
}
Result thread_join(std::uint64_t id);
inline Result gettid() { return call(Sys::GetTid); }

// Synchronisation (docs/syscalls.md): kernel objects of the caller's
// process, named by handles. Waits block in the kernel; a woken waiter holds
// what it waited for (the mutex, the semaphore's unit). condition_wait
// releases `mutex`, waits for a signal, then takes `mutex` again.
inline Result mutex_create() { return call(Sys::MutexCreate); }
inline Result mutex_lock(std::uint64_t mutex) { return call(Sys::MutexLock, mutex); }
inline Result mutex_unlock(std::uint64_t mutex) { return call(Sys::MutexUnlock, mutex); }
inline Result semaphore_create(std::uint64_t count) { return call(Sys::SemaphoreCreate, count); }
inline Result semaphore_wait(std::uint64_t semaphore) { return call(Sys::SemaphoreWait, semaphore); }
inline Result semaphore_post(std::uint64_t semaphore) { return call(Sys::SemaphorePost, semaphore); }
inline Result condition_create() { return call(Sys::ConditionCreate); }
Result condition_wait(std::uint64_t condition, std::uint64_t mutex);
inline Result condition_signal(std::uint64_t condition) { return call(Sys::ConditionSignal, condition); }
inline Result condition_broadcast(std::uint64_t condition) { return call(Sys::ConditionBroadcast, condition); }
inline Result object_destroy(std::uint64_t handle) { return call(Sys::ObjectDestroy, handle); }

// IPC (docs/syscalls.md, "IPC"): rendezvous channels, message queues, poll.
// Messages are at most kMaxMessage bytes. A timeout is in nanoseconds: 0
// tries once (-EAGAIN rather than block), kForever waits for good, anything
// else (at most a day) gives up with -ETIMEDOUT. The queue calls and poll
// call again on -EINTR (the raw call's "the object changed for you, ask
// again"), with what is left of the timeout.
inline constexpr std::uint64_t kMaxMessage = ::pristine::ipc::kMaxMessage;
inline constexpr std::uint64_t kForever = ::pristine::ipc::kForever;
inline Result channel_create() { return call(Sys::ChannelCreate); }
inline Result channel_send(std::uint64_t channel, const void* message, std::size_t length, std::uint64_t timeout) {
  return call(Sys::ChannelSend, channel, reinterpret_cast<std::uint64_t>(message), length, timeout);
}
inline Result channel_receive(std::uint64_t channel, void* buffer, std::size_t capacity, std::uint64_t timeout) {
  return call(Sys::ChannelReceive, channel, reinterpret_cast<std::uint64_t>(buffer), capacity, timeout);
}
inline Result queue_create(std::uint64_t depth) { return call(Sys::QueueCreate, depth); }
Result queue_send(std::uint64_t queue, const void* message, std::size_t length, std::uint64_t timeout);
Result queue_receive(std::uint64_t queue, void* buffer, std::size_t capacity, std::uint64_t timeout);
Result poll(const std::uint64_t* handles, std::size_t count, std::uint64_t timeout);

// Memory (docs/syscalls.md, "Memory"): a region of the process's heap,
// page-granular, its pages demand-zero; memory_free gives it back (its
// address and its length, rounded up to pages as at allocation).
inline Result memory_allocate(std::uint64_t length) { return call(Sys::MemoryAllocate, length); }
inline Result memory_free(std::uint64_t address, std::uint64_t length) {
  return call(Sys::MemoryFree, address, length);
}

// Debug (docs/syscalls.md, "Debug"): a trace marker (counted per CPU, its
// value kept for the reports); a profiled region 0..7 of the caller, opened by
// profile_start and closed by profile_stop, which returns its span in clock
// units and adds it to the reports' row profile/<region>.
inline Result trace_marker(std::uint64_t value) { return call(Sys::TraceMarker, value); }
inline Result profile_start(std::uint64_t region) { return call(Sys::ProfileStart, region); }
inline Result profile_stop(std::uint64_t region) { return call(Sys::ProfileStop, region); }

// User-level interrupt handling (docs/drivers.md, "Ring-3 drivers"): bind a
// bare device line, then wait for its interrupts; interrupt_wait returns how
// many came since the last call (at least 1), blocking until one does.
inline Result interrupt_register(std::uint64_t line) { return call(Sys::InterruptRegister, line); }
inline Result interrupt_unregister(std::uint64_t line) { return call(Sys::InterruptUnregister, line); }
Result interrupt_wait(std::uint64_t line);

// The image's read-only files (docs/files.md), and devices ("dev/uart0":
// docs/drivers.md, "Device I/O"). read calls again while the kernel says
// -EINTR (a device read that blocked until bytes came).
Result open(const char* name, std::uint64_t flags = 0);  // flags: pristine::kOpenWrite
inline Result close(std::uint64_t fd) { return call(Sys::Close, fd); }
Result read(std::uint64_t fd, void* buffer, std::size_t length);
// A device's write: at most kMaxDeviceWrite bytes a call (-EAGAIN while its
// transmitter is busy); write_all yields and calls again until every byte
// went or an error other than -EAGAIN came (then that error).
inline Result fd_write(std::uint64_t fd, const void* buffer, std::size_t length) {
  return call(Sys::FdWrite, fd, reinterpret_cast<std::uint64_t>(buffer), length);
}
Result write_all(std::uint64_t fd, const void* buffer, std::size_t length);
inline Result ioctl(std::uint64_t fd, std::uint64_t request, std::uint64_t argument = 0) {
  return call(Sys::Ioctl, fd, request, argument);
}
inline Result device_stats(std::uint64_t fd, DeviceStats& stats) {
  return call(Sys::Ioctl, fd, kIoctlGetStats, reinterpret_cast<std::uint64_t>(&stats));
}
enum class Whence : std::uint64_t { Start = 0, Current = 1, End = 2 };
inline Result seek(std::uint64_t fd, std::int64_t offset, Whence whence) {
  return call(Sys::Seek, fd, static_cast<std::uint64_t>(offset), static_cast<std::uint64_t>(whence));
}
inline Result stat(std::uint64_t fd, FileStat& info) {
  return call(Sys::Stat, fd, reinterpret_cast<std::uint64_t>(&info), sizeof info);
}

// ---- strings and memory -------------------------------------------------------
std::size_t string_length(const char* s);
// Write `text` to the console.
Result print(const char* text);
// `value` in decimal into `out` (at least 21 bytes), NUL-terminated; the length.
std::size_t format_decimal(std::int64_t value, char* out);

}  // namespace pristine::user

// x86-64 enters with RSP 16-byte aligned, not as after a call: an entry
// realigns. AArch64's SP is 16-byte aligned at every instruction (AAPCS64).
#if defined(__x86_64__)
#define PRISTINE_USER_ENTRY_ALIGN gnu::force_align_arg_pointer,
#else
#define PRISTINE_USER_ENTRY_ALIGN
#endif

// A program: PRISTINE_USER_PROGRAM(entry_symbol) { ... return code; } defines
// the ring-3 entry point `entry_symbol` (the name in core/program_list.def)
// and a body that receives `const Start& start` and returns an exit code. The
// kernel enters with RSP at the top of the stack (16-byte aligned, not as
// after a call): the entry realigns.
#define PRISTINE_USER_PROGRAM(entry_symbol)                                                             \
  static std::int64_t entry_symbol##_body(const ::pristine::user::Start& start);                     \
  extern "C" [[gnu::visibility("default"), PRISTINE_USER_ENTRY_ALIGN noreturn]] void entry_symbol( \
      std::uint64_t* counter, std::uint64_t arg) {                                                    \
    ::pristine::user::exit(entry_symbol##_body({counter, arg}));                                      \
  }                                                                                                   \
  static std::int64_t entry_symbol##_body([[maybe_unused]] const ::pristine::user::Start& start)

// A thread: PRISTINE_USER_THREAD(name) { ... return code; } defines the
// ring-3 entry `name` for thread_create, whose body receives `const Start&
// start` (its own counter, the creator's arg) and returns its exit code.
#define PRISTINE_USER_THREAD(name)                                                                   \
  static std::int64_t name##_body(const ::pristine::user::Start& start);                            \
  [[PRISTINE_USER_ENTRY_ALIGN noreturn]] static void name(std::uint64_t* counter, std::uint64_t arg) { \
    ::pristine::user::exit(name##_body({counter, arg}));                                             \
  }                                                                                                  \
  static std::int64_t name##_body([[maybe_unused]] const ::pristine::user::Start& start)
