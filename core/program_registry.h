// The programs a boot task can run (ring-3 programs of kernel-image/user/ and
// kernel threads), made from the one list core/program_list.def: the number
// BootInfo carries, the name scenario files and the PC command line use, and
// what kind of program it is. Shared with host code (simulator, tests).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine {

// How a program's task ends when the kernel is correct.
enum class ProgramEnd : std::uint8_t {
  Runs,    // runs until the machine stops (or exits on a wrong syscall result)
  Faults,  // ends itself with a CPU exception, by design
};

// What a program's parameter (BootTask::arg) is: each reader of a task
// (scenario parser, PC command line, kernel_main) bounds and translates it by
// this kind, never by program.
enum class ProgramArg : std::uint8_t {
  NoArg,             // none (0)
  SleepNanoseconds,  // a sleep, at most the sleep syscall's bound
  PartnerTask,       // another boot task, by its index among them (the kernel makes it a task id)
  Number,            // a plain number the program documents (a scenario task's `arg`), 0 to 2^63 - 1
};

enum class UserProgram : std::uint32_t {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) enumerator = number,
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) enumerator = number,
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
};

struct ProgramInfo {
  UserProgram program;
  const char* name;         // in scenario files and on the PC command line
  bool ring3;               // false: a kernel thread
  ProgramEnd end;
  ProgramArg arg;
  const char* description;  // one line, for docs and error messages
};

// Indexed by program number.
inline constexpr ProgramInfo kPrograms[] = {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  {UserProgram::enumerator, name, true, ProgramEnd::end, ProgramArg::arg, description},
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) \
  {UserProgram::enumerator, name, false, ProgramEnd::Runs, ProgramArg::NoArg, description},
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
};
inline constexpr std::uint32_t kProgramCount = sizeof(kPrograms) / sizeof(kPrograms[0]);

constexpr bool program_numbers_are_dense() {
  for (std::uint32_t i = 0; i < kProgramCount; ++i) {
    if (static_cast<std::uint32_t>(kPrograms[i].program) != i) return false;
  }
  return true;
}
static_assert(program_numbers_are_dense(), "core/program_list.def: numbers must run 0, 1, 2, ... in order");

// The registry entry of `program`; null for a number past the list.
constexpr const ProgramInfo* program_info(UserProgram program) {
  const auto number = static_cast<std::uint32_t>(program);
  return number < kProgramCount ? &kPrograms[number] : nullptr;
}

// A kernel thread (a PRISTINE_KERNEL_THREAD line). Made of comparisons with
// the listed numbers, so the boot loop costs what a hand-written test would.
constexpr bool is_kernel_thread(UserProgram program) {
  return false
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description)
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) || program == UserProgram::enumerator
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
      ;
}

// A program whose parameter is another boot task (ProgramArg::PartnerTask),
// made of comparisons like is_kernel_thread.
constexpr bool takes_partner(UserProgram program) {
  return false
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  || (ProgramArg::arg == ProgramArg::PartnerTask && program == UserProgram::enumerator)
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description)
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
      ;
}

// The program called name[0, length); null if none is.
constexpr const ProgramInfo* program_named(const char* name, std::size_t length) {
  for (const ProgramInfo& info : kPrograms) {
    std::size_t i = 0;
    while (i < length && info.name[i] != '\0' && info.name[i] == name[i]) ++i;
    if (i == length && info.name[i] == '\0') return &info;
  }
  return nullptr;
}

}  // namespace pristine
