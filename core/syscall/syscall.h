// The system call interface: numbers, arguments, errors. The arch entry path
// (hw-x86_64/cpu/syscall_entry.S) builds a TrapFrame that holds the number
// and arguments in the ABI's order (Linux x86-64 convention: RAX; RDI, RSI,
// RDX, R10, R8, R9), and passes them in place to dispatch_syscall; the result
// replaces the number (RAX).
#pragma once

#include <cstdint>

#include "core/machine.h"

namespace pristine {

// One enumerator per line of core/syscall/syscall_list.def.
enum class Syscall : std::uint64_t {
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) enumerator = number,
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
  Count,
};

// The list's numbers are dense and in order: the names table below and the
// per-call statistics (core/cpu_local.h) are indexed by number.
constexpr bool syscall_numbers_are_dense() {
  std::uint64_t next = 0;
  bool dense = true;
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) dense = dense && (number) == next++;
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
  return dense && next == static_cast<std::uint64_t>(Syscall::Count);
}
static_assert(syscall_numbers_are_dense(), "core/syscall/syscall_list.def: numbers must run 0, 1, 2, ... in order");

// Names used in reports, budgets and scenario files ("syscall/<name>"); the
// last one is every number past the table.
inline constexpr std::uint32_t kSyscallSlots = static_cast<std::uint32_t>(Syscall::Count) + 1;
constexpr const char* syscall_name(std::uint64_t number) {
  constexpr const char* kNames[kSyscallSlots] = {
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) "syscall/" #report_name,
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
      "syscall/invalid"};
  return kNames[number < kSyscallSlots - 1 ? number : kSyscallSlots - 1];
}

// Errors are negative errno values, as on Linux (core/syscall/syscall_error_list.def).
#define PRISTINE_SYSCALL_ERROR(name, errno_value) inline constexpr std::int64_t k##name = -(errno_value);
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR

// A result in [kSyscallFirstError, -1] is an error; the entry path flags it
// to ring 3 as well (x86-64: the carry flag, docs/syscalls.md). Every other
// value is a success, however large.
inline constexpr std::int64_t kSyscallFirstError = -4095;
#define PRISTINE_SYSCALL_ERROR(name, errno_value) \
  static_assert((errno_value) > 0 && -(errno_value) >= kSyscallFirstError, #name " outside the error range");
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR

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
