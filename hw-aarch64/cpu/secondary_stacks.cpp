// Each secondary CPU's stack until it enters the scheduler, for every board
// (cpu/secondary_entry.S indexes it by the CPU's number; slot 0, the boot
// CPU's, is unused).
#include <cstdint>

#include "core/sched/task.h"
#include "hw-aarch64/cpu/secondary_stack.h"

alignas(16) std::uint8_t pristine_secondary_stacks[pristine::kMaxCpus + 1][1u << PRISTINE_SECONDARY_STACK_SHIFT];
