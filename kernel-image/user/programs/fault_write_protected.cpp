// Ring-3 program "fault-write-protected": counts once, maps its first heap
// page and makes it read-only (the map and protect calls), then writes it:
// #PF with error code 0x7 (present, write, user), and the kernel ends the
// task (docs/faults.md).
#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

PRISTINE_USER_PROGRAM(user_fault_write_protected_main) {
  ++*start.counter;
  const auto counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~std::uint64_t{0xFFF};
  auto* page = reinterpret_cast<volatile std::uint64_t*>(counter_page + PRISTINE_USER_COUNTER_SIZE);
  if (!map(const_cast<std::uint64_t*>(page)).ok() || !protect(const_cast<std::uint64_t*>(page), false).ok()) return 1;
  *page = 1;  // faults
  return 2;
}
