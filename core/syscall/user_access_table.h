// The user-access table: every kernel instruction that touches ring-3 memory
// on a system call's behalf (x86-64: the copy in hw-x86_64/cpu/user_copy.S),
// with the address where it continues if the access faults. The entries are
// emitted beside the instructions, into one section that the link script
// brackets (kernel-image/sections.ld); the kernel's exception path looks the
// faulting instruction up here (core/interrupt/dispatch.cpp) and the
// simulator reads the same table from the image (sim/user_access_table.h).
#pragma once

#include "core/hot_path.h"
#include "core/types.h"

namespace pristine {

struct UserAccessSite {
  VirtAddr access;  // the instruction that may fault
  VirtAddr fixup;   // where it continues if it does
};

extern "C" const UserAccessSite __pristine_user_access_start[];
extern "C" const UserAccessSite __pristine_user_access_end[];

// Where a faulting kernel instruction at `ip` continues, or 0 if it is not a
// user access (a kernel bug). A handful of entries: a scan, no search.
[[gnu::always_inline]] inline VirtAddr user_access_fixup(VirtAddr ip) {
  for (const UserAccessSite* s = __pristine_user_access_start; s != __pristine_user_access_end; ++s) {
    if (s->access == ip) return s->fixup;
  }
  return 0;
}

}  // namespace pristine
