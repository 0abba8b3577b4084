#include "core/user_programs.h"

#include "core/panic.h"
#include "core/sched/task.h"

// Defined by kernel-image/user/: code and data linked into the user region.
extern "C" {
void user_counter_main();
extern std::uint64_t user_progress_counters[];
extern std::uint8_t user_stacks[];
}

namespace pristine {

inline constexpr VirtAddr kUserStackSize = 16 * 1024;

UserProgramImage user_program(UserProgram program, std::uint32_t slot) {
  if (slot >= kMaxTasks) panic("user program slot out of range");
  const VirtAddr stack_base = reinterpret_cast<VirtAddr>(user_stacks) + slot * kUserStackSize;
  const VirtAddr counter = reinterpret_cast<VirtAddr>(&user_progress_counters[slot]);
  switch (program) {
    case UserProgram::Counter:
      return {reinterpret_cast<VirtAddr>(&user_counter_main), stack_base + kUserStackSize, counter};
  }
  panic("unknown user program");
}

}  // namespace pristine
