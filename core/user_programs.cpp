#include "core/user_programs.h"

#include "core/panic.h"
#include "core/sched/task.h"
#include "core/user_layout.h"

// Defined by kernel-image/user/: code and data linked into the user region.
extern "C" {
void user_counter_main();
void user_sleeper_main();
void user_yielder_main();
void user_syscall_check_main();
void user_fault_divide_main();
void user_fault_ud2_main();
void user_fault_privileged_main();
void user_fault_read_main();
void user_fault_write_main();
void user_fault_stack_main();
void user_fault_misaligned_main();
void user_heap_toucher_main();
void user_pinger_main();
void user_unmapper_main();
extern std::uint8_t user_slots[];
}

namespace pristine {

static_assert(PRISTINE_USER_SLOTS == kMaxTasks);

UserProgramImage user_program(UserProgram program, std::uint32_t slot, std::uint64_t arg) {
  if (slot >= kMaxTasks) panic("user program slot out of range");
  const VirtAddr slot_base = reinterpret_cast<VirtAddr>(user_slots) + slot * PRISTINE_USER_SLOT_SIZE;
  const VirtAddr stack_base = slot_base + PRISTINE_USER_GUARD_SIZE;
  const VirtAddr stack = stack_base + PRISTINE_USER_STACK_SIZE;
  const VirtAddr counter = stack;  // the counter page sits right above the stack
  const auto image = [&](void (*entry)()) {
    return UserProgramImage{reinterpret_cast<VirtAddr>(entry), stack, counter, arg, stack_base,
                            PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE};
  };
  switch (program) {
    case UserProgram::Counter: return image(user_counter_main);
    case UserProgram::Sleeper: return image(user_sleeper_main);
    case UserProgram::Yielder: return image(user_yielder_main);
    case UserProgram::SyscallCheck: return image(user_syscall_check_main);
    case UserProgram::FaultDivide: return image(user_fault_divide_main);
    case UserProgram::FaultUd2: return image(user_fault_ud2_main);
    case UserProgram::FaultPrivileged: return image(user_fault_privileged_main);
    case UserProgram::FaultRead: return image(user_fault_read_main);
    case UserProgram::FaultWrite: return image(user_fault_write_main);
    case UserProgram::FaultStack: return image(user_fault_stack_main);
    case UserProgram::FaultMisaligned: return image(user_fault_misaligned_main);
    case UserProgram::HeapToucher: return image(user_heap_toucher_main);
    case UserProgram::Pinger: return image(user_pinger_main);
    case UserProgram::Unmapper: return image(user_unmapper_main);
    case UserProgram::KernelCounter:
    case UserProgram::KernelStackOverflow: break;  // kernel threads, not ring-3 programs
  }
  panic("unknown user program");
}

}  // namespace pristine
