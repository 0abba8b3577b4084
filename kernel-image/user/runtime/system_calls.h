// System calls from ring-3 C++: the numbers and errors of the kernel's own
// lists (core/syscall/syscall_list.def, core/syscall/syscall_error_list.def),
// and the two ways in (docs/syscalls.md): `syscall` and `int $0x80`. Both
// take RAX = number and RDI, RSI, RDX, R10, R8, R9 = arguments, return RAX =
// result with CF set when the call failed, and clobber RCX and R11; every
// other register survives.
#pragma once

#include <cstdint>

namespace pristine::user {

enum class Sys : std::uint64_t {
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) enumerator = number,
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
};

// The programs a task can run, by number (core/program_list.def): what spawn takes.
enum class Program : std::uint64_t {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) enumerator = number,
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) enumerator = number,
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
};

// How many calls the table has (numbers 0 .. kSyscallCount - 1).
inline constexpr std::uint64_t kSyscallCount = 0
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) +1
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
    ;

// Errors as the kernel returns them: -errno.
enum Error : std::int64_t {
#define PRISTINE_SYSCALL_ERROR(name, errno_value) name = -(errno_value),
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR
};

// What a call gave back: RAX, and CF (the kernel's word that RAX is an error).
struct Result {
  std::int64_t value;
  bool failed;

  bool ok() const { return !failed; }
  bool is(Error e) const { return failed && value == e; }
};

// The entry a call takes.
enum class Entry { Syscall, Gate };

// A call with up to six arguments, through `entry`.
#if defined(__x86_64__)
template <Entry entry = Entry::Syscall>
inline Result call(Sys number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                   std::uint64_t a3 = 0, std::uint64_t a4 = 0, std::uint64_t a5 = 0) {
  std::uint64_t rax = static_cast<std::uint64_t>(number);
  register std::uint64_t r10 asm("r10") = a3;
  register std::uint64_t r8 asm("r8") = a4;
  register std::uint64_t r9 asm("r9") = a5;
  bool carry;
  if constexpr (entry == Entry::Syscall) {
    asm volatile("syscall"
                 : "+a"(rax), "=@ccc"(carry)
                 : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
  } else {
    asm volatile("int $0x80"
                 : "+a"(rax), "=@ccc"(carry)
                 : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
  }
  return {static_cast<std::int64_t>(rax), carry};
}
#elif defined(__aarch64__)
// AArch64 (docs/aarch64.md): `svc #0`, x8 the number, x0-x5 the arguments,
// x0 the result and the carry flag the error. One entry: Entry::Gate, the
// x86-64 software-interrupt gate, has no second instruction here.
template <Entry entry = Entry::Syscall>
inline Result call(Sys number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                   std::uint64_t a3 = 0, std::uint64_t a4 = 0, std::uint64_t a5 = 0) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  register std::uint64_t x4 asm("x4") = a4;
  register std::uint64_t x5 asm("x5") = a5;
  bool carry;
  asm volatile("svc #0\n cset %w[carry], cs"
               : "+r"(x0), [carry] "=r"(carry)
               : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
               : "memory", "cc");
  return {static_cast<std::int64_t>(x0), carry};
}
#endif

// A call by raw number (the conformance and fuzzing programs try numbers the
// kernel does not have).
template <Entry entry = Entry::Syscall>
inline Result call_number(std::uint64_t number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0) {
  return call<entry>(static_cast<Sys>(number), a0, a1, a2);
}

}  // namespace pristine::user
