#include "core/user_programs.h"

#include "core/panic.h"
#include "core/sched/task.h"

// Defined by kernel-image/user/: code and data linked into the user region.
extern "C" {
void user_counter_main();
void user_sleeper_main();
void user_yielder_main();
void user_syscall_check_main();
extern std::uint8_t user_slots[];
}

namespace pristine {

inline constexpr VirtAddr kCounterPageSize = 4096;
inline constexpr VirtAddr kUserStackSize = 16 * 1024;
inline constexpr VirtAddr kSlotSize = kCounterPageSize + kUserStackSize;  // kernel-image/user/user_data.S

UserProgramImage user_program(UserProgram program, std::uint32_t slot, std::uint64_t arg) {
  if (slot >= kMaxTasks) panic("user program slot out of range");
  const VirtAddr slot_base = reinterpret_cast<VirtAddr>(user_slots) + slot * kSlotSize;
  const VirtAddr counter = slot_base;
  const VirtAddr stack_base = slot_base + kCounterPageSize;
  const VirtAddr stack = stack_base + kUserStackSize;
  const auto image = [&](void (*entry)()) {
    return UserProgramImage{reinterpret_cast<VirtAddr>(entry), stack, counter, arg, slot_base, kSlotSize};
  };
  switch (program) {
    case UserProgram::Counter: return image(user_counter_main);
    case UserProgram::Sleeper: return image(user_sleeper_main);
    case UserProgram::Yielder: return image(user_yielder_main);
    case UserProgram::SyscallCheck: return image(user_syscall_check_main);
    case UserProgram::KernelCounter: break;  // a kernel thread, not a ring-3 program
  }
  panic("unknown user program");
}

}  // namespace pristine
