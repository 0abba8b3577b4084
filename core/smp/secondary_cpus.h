// Bring-up of every CPU past the boot CPU. The boot CPU prepares each CPU's
// CpuLocal and idle task and creates all tasks (cold, before any other CPU
// runs, so task creation needs no locks), then has the board start the CPUs
// one by one; each joins in kernel_secondary_main.
#pragma once

#include <cstdint>

#include "core/boot_info.h"
#include "core/types.h"

namespace pristine {

// Cold, boot CPU: CpuLocal of CPU `id` (its idle task included).
void prepare_cpu(CpuId id, const BootInfo& boot);

// Cold, boot CPU: start CPUs 1 .. count - 1 and wait until each schedules.
void start_secondary_cpus(std::uint32_t count);

// Cold, boot CPU and then each CPU itself: arm the tick, join the online
// set, run tasks. Never returns.
[[noreturn]] void cpu_enter_scheduler(CpuId id);

// Called by the board on CPU `id` once it is in 64-bit ring 0 with its
// descriptor tables, per-CPU data and local timer set up.
[[noreturn]] void kernel_secondary_main(CpuId id);

}  // namespace pristine
