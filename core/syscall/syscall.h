// The system call interface: numbers, arguments, errors. The arch entry path
// (hw-x86_64/cpu/syscall_entry.S) builds a TrapFrame that holds the number
// and arguments in the ABI's order (Linux x86-64 convention: RAX; RDI, RSI,
// RDX, R10, R8, R9), and passes them in place to dispatch_syscall; the result
// replaces the number (RAX).
#pragma once

#include <cstdint>

#include "core/machine.h"

namespace pristine {

enum class Syscall : std::uint64_t {
  Yield = 0,   // give up the rest of the slice
  Sleep = 1,   // sleep(nanoseconds): runnable again at least this much later
  Exit = 2,    // exit(code): the task ends
  GetPid = 3,  // the task's id
  Write = 4,   // write(buffer, length): console output (cold work, measured)
  Wait = 5,    // wait(): block until another task wakes this one (returns at once if a wake is pending)
  Wake = 6,    // wake(task): make a waiting task runnable, on whichever CPU suits it
  Unmap = 7,   // unmap(page): drop a page of the caller's heap on every CPU (TLB shootdown)
  Count,
};

// Names used in reports, budgets and scenario files ("syscall/<name>"); the
// last one is every number past the table.
inline constexpr std::uint32_t kSyscallSlots = static_cast<std::uint32_t>(Syscall::Count) + 1;
constexpr const char* syscall_name(std::uint64_t number) {
  constexpr const char* kNames[kSyscallSlots] = {"syscall/yield", "syscall/sleep", "syscall/exit",
                                                 "syscall/getpid", "syscall/write", "syscall/wait",
                                                 "syscall/wake", "syscall/unmap", "syscall/invalid"};
  return kNames[number < kSyscallSlots - 1 ? number : kSyscallSlots - 1];
}

// Errors are negative errno values, as on Linux.
inline constexpr std::int64_t kEFAULT = -14;
inline constexpr std::int64_t kEINVAL = -22;
inline constexpr std::int64_t kENOSYS = -38;

// The largest write accepted in one call.
inline constexpr std::uint64_t kMaxWriteLength = 4096;

struct SyscallArgs {
  std::uint64_t number;
  std::uint64_t arg[6];
};

// Hot path. Runs `call` for the current task, whose state is `frame`;
// replaces call.number with the result (a value, or a negative error) and
// returns the frame to resume (`frame` itself, or another task's if the call
// blocked, yielded or exited).
TrapFrame* dispatch_syscall(SyscallArgs& call, TrapFrame* frame);

}  // namespace pristine
