#include "core/user_programs.h"

#include "core/hot_path.h"

#include "core/panic.h"
#include "core/program_registry.h"
#include "core/sched/task.h"
#include "core/user_layout.h"

// Defined by kernel-image/user/: code and data linked into the user region.
extern "C" {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) void entry();
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description)
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
extern std::uint8_t user_slots[];
extern char __user_start[], __user_data_start[];  // kernel-image/sections.ld
}

namespace pristine {

static_assert(PRISTINE_USER_SLOTS == kMaxTasks);

PRISTINE_HOT UserProgramImage user_program(UserProgram program, std::uint32_t slot, std::uint64_t arg) {
  if (slot >= kMaxTasks) panic("user program slot out of range");
  const VirtAddr slot_base = address_of(user_slots) + slot * PRISTINE_USER_SLOT_SIZE;
  const VirtAddr stack_base = slot_base + PRISTINE_USER_GUARD_SIZE;
  const VirtAddr stack = stack_base + PRISTINE_USER_STACK_SIZE;
  const VirtAddr counter = stack;  // the counter page sits right above the stack
  const auto image = [&](void (*entry)()) {
    return UserProgramImage{VirtAddr{reinterpret_cast<std::uintptr_t>(entry)}, stack, counter, arg, stack_base,
                            PRISTINE_USER_STACK_SIZE + PRISTINE_USER_COUNTER_SIZE + PRISTINE_USER_HEAP_SIZE};
  };
  switch (program) {
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  case UserProgram::enumerator: return image(entry);
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description) \
  case UserProgram::enumerator: break;  // a kernel thread, not a ring-3 program
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
  }
  panic("unknown user program");
}

PRISTINE_HOT bool is_user_code(VirtAddr address) {
  return address >= address_of(__user_start) && address < address_of(__user_data_start);
}

}  // namespace pristine
