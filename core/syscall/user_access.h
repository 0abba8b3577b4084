// Checks on pointers that ring 3 hands the kernel. A range is acceptable only
// if it lies entirely inside the user region: a kernel address, a null
// pointer or a wrapping range is -EFAULT, never dereferenced.
#pragma once

#include <cstdint>

#include "core/types.h"

extern "C" char __user_start[];
extern "C" char __user_end[];

namespace pristine {

inline bool user_range_ok(VirtAddr address, std::uint64_t length) {
  const auto start = address_of(__user_start);
  const auto end = address_of(__user_end);
  return address >= start && length <= end - start && address <= end - length;
}

}  // namespace pristine
