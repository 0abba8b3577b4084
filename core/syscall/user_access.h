// Checks on pointers that ring 3 hands the kernel, and the copies through
// them. A range is acceptable only if it lies entirely inside the user region:
// a kernel address, a null pointer or a wrapping range is -EFAULT, never
// dereferenced; and the kernel reads or writes ring-3 memory only through the
// copies below, whose faults return -EFAULT.
#pragma once

#include <cstdint>

#include "core/machine.h"
#include "core/syscall/syscall.h"
#include "core/types.h"

extern "C" char __user_start[];
extern "C" char __user_end[];

namespace pristine {

inline bool user_range_ok(VirtAddr address, std::uint64_t length) {
  const auto start = address_of(__user_start);
  const auto end = address_of(__user_end);
  return address >= start && length <= end - start && address <= end - length;
}

// Copies for a system call: 0, or -EFAULT if the range is not ring-3 memory
// or a page of it is not the caller's to read (or write). Inside the user
// region a page can still be missing (another task's slot, a guard page): the
// copy's fault ends it early instead of the kernel (machine::copy_from_user).
// The caller's own untouched stack and heap pages are mapped on the way, as
// a ring-3 touch would.
inline std::int64_t copy_from_user(void* to, VirtAddr from, std::uint64_t length) {
  if (!user_range_ok(from, length)) return kEFAULT;
  return machine::copy_from_user(to, from, length) == 0 ? 0 : kEFAULT;
}

inline std::int64_t copy_to_user(VirtAddr to, const void* from, std::uint64_t length) {
  if (!user_range_ok(to, length)) return kEFAULT;
  return machine::copy_to_user(to, from, length) == 0 ? 0 : kEFAULT;
}

}  // namespace pristine
