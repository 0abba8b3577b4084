// Where a new task running one of the image's ring-3 programs (kernel-image/user/,
// listed in core/program_list.def) starts: entry point, stack, and the counter
// it advances.
#pragma once

#include "core/boot_info.h"
#include "core/types.h"

namespace pristine {

struct UserProgramImage {
  VirtAddr entry;
  VirtAddr stack_top;
  VirtAddr progress_counter;  // first argument (RDI)
  std::uint64_t arg;          // second argument (RSI): the program's parameter
  VirtAddr private_start;     // the task's own ring-3 memory (counter page, stack)
  std::uint64_t private_size;
};

// Cold path. `slot` picks the task's private stack and counter.
UserProgramImage user_program(UserProgram program, std::uint32_t slot, std::uint64_t arg);

// Hot path (thread_create): true if `address` lies in the ring-3 programs'
// code (kernel-image/sections.ld, .user_text), where a thread may start.
bool is_user_code(VirtAddr address);

}  // namespace pristine
