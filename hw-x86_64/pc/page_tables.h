// The PC image's page tables after boot: the boot tables map the first GiB
// with 2 MiB pages (identity, supervisor-only, and again at the kernel's
// higher half) plus the uncached fourth GiB for the LAPIC. Here the user
// region gets 4 KiB pages with its own permissions.
#pragma once

namespace pristine::pc {

// Cold path, once: user text read-only+executable, user data and stacks
// writable and (when the CPU has NX) not executable, everything else in that
// 2 MiB not present to ring 3.
void refine_user_mappings();

}  // namespace pristine::pc
