// Ring-3 program "syscall-memory": system calls that copy to or from ring-3
// memory, with pointers that are wrong in every way the user region allows
// (docs/syscalls.md, "Validation"). A range check alone passes them all: the
// kernel's copy faults, and must return -EFAULT instead of faulting itself.
// A page of its own that it has not touched yet (demand-zero) must work, the
// kernel mapping it on the way. The first wrong result ends the task with
// exit code 100 + the check's number; a round that passes counts one.
#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kKernelAddress = 0xFFFFFFFF80100000;

// Where a copy lands: sysinfo into `address`, for `length` bytes.
Result sysinfo_at(std::uint64_t address, std::uint64_t length = sizeof(SystemInfo)) {
  return call(Sys::SysInfo, address, length);
}

Result write_from(std::uint64_t address, std::uint64_t length) { return call(Sys::Write, address, length); }

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_memory_main) {
  // The slot layout (core/user_layout.h): guard page, stack, counter page, heap.
  const auto counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~(kPage - 1);
  const std::uint64_t stack = counter_page - PRISTINE_USER_STACK_SIZE;
  const std::uint64_t guard = stack - PRISTINE_USER_GUARD_SIZE;
  const std::uint64_t heap = counter_page + PRISTINE_USER_COUNTER_SIZE;
  const std::uint64_t last_heap_page = heap + PRISTINE_USER_HEAP_SIZE - kPage;
  // Another task's slot (the next, or the one before for the last slot):
  // inside the user region, never mapped in this task's address space.
  const std::uint64_t next_slot = guard + PRISTINE_USER_SLOT_SIZE;
  const std::uint64_t other_slot_heap = next_slot + (heap - guard);
  const auto own_code = reinterpret_cast<std::uint64_t>(&user_syscall_memory_main);

  std::uint64_t last_clock = 0;
  for (;;) {
    // 1: into its own heap page it has not touched (or unmapped last round):
    // mapped on the way, all of it copied, and the fields make sense.
    const Result copied = sysinfo_at(last_heap_page);
    if (!copied.ok() || copied.value != static_cast<std::int64_t>(sizeof(SystemInfo))) return 101;
    const auto* info = reinterpret_cast<const SystemInfo*>(last_heap_page);
    if (info->size != sizeof(SystemInfo) || info->abi_version != pristine::kSystemInfoVersion || info->cpus == 0 ||
        info->clock_hz == 0 || info->page_size != kPage || info->tasks == 0 || info->tasks > info->max_tasks ||
        info->stack_size != PRISTINE_USER_STACK_SIZE || info->heap_size != PRISTINE_USER_HEAP_SIZE) {
      return 102;
    }
    // 2: its own stack's guard page: -EFAULT, for a copy out and a copy in.
    if (!sysinfo_at(guard).is(EFAULT)) return 103;
    if (!write_from(guard, 8).is(EFAULT)) return 104;
    // 3: another task's heap: -EFAULT both ways.
    if (!sysinfo_at(other_slot_heap).is(EFAULT)) return 105;
    if (!write_from(other_slot_heap, 8).is(EFAULT)) return 106;
    // 4: its own code is not writable: -EFAULT.
    if (!sysinfo_at(own_code).is(EFAULT)) return 107;
    // 5: a kernel address, null, a wrapping range: -EFAULT without a copy.
    if (!sysinfo_at(kKernelAddress).is(EFAULT) || !sysinfo_at(0).is(EFAULT) ||
        !sysinfo_at(~std::uint64_t{0} - 8).is(EFAULT)) {
      return 108;
    }
    // 6: a buffer too short for the struct: -EINVAL, nothing written.
    if (!sysinfo_at(last_heap_page, sizeof(SystemInfo) - 1).is(EINVAL)) return 109;
    // 7: the clock runs forward.
    const Result now = clock_ns();
    if (!now.ok() || static_cast<std::uint64_t>(now.value) < last_clock) return 110;
    last_clock = static_cast<std::uint64_t>(now.value);
    // 8: a copy straddling its last heap page and the next slot's guard page
    // stops at the boundary: -EFAULT (sysinfo refuses a partial copy).
    if (!sysinfo_at(last_heap_page + kPage - 8).is(EFAULT)) return 111;
    // 9: map: a page of its own heap or stack now (zeroed: it was unmapped
    // at the end of the last round, or never touched); nothing else.
    const std::uint64_t heap_page = heap + kPage;
    if (!map(reinterpret_cast<const void*>(heap_page)).ok() || *reinterpret_cast<volatile char*>(heap_page) != 0) {
      return 113;
    }
    if (!map(reinterpret_cast<const void*>(guard)).is(EINVAL) ||
        !map(reinterpret_cast<const void*>(heap_page + 8)).is(EINVAL) ||
        !map(reinterpret_cast<const void*>(other_slot_heap)).is(EINVAL)) {
      return 114;
    }
    // 10: protect (of the page just mapped): read-only, the kernel's copy into it is refused (CR0.WP);
    // writable again, it works. Only heap pages, only 0 or 1.
    if (!protect(reinterpret_cast<const void*>(heap_page), false).ok()) return 115;
    if (!sysinfo_at(heap_page).is(EFAULT)) return 116;
    if (!protect(reinterpret_cast<const void*>(heap_page), true).ok()) return 117;
    if (sysinfo_at(heap_page).value != static_cast<std::int64_t>(sizeof(SystemInfo))) return 118;
    if (!protect(reinterpret_cast<const void*>(stack), false).is(EINVAL) ||
        !call(Sys::Protect, heap_page, 2).is(EINVAL)) {
      return 119;
    }
    // 11: protect needs a mapped page: the last heap page is unmapped here.
    if (!unmap(reinterpret_cast<const void*>(last_heap_page)).ok()) return 121;
    if (!protect(reinterpret_cast<const void*>(last_heap_page), false).is(ENOMEM)) return 122;
    // Give the page back, so the next round's first copy maps it again.
    if (!unmap(reinterpret_cast<const void*>(heap_page)).ok()) return 120;
    ++*start.counter;
    yield();  // a conformance round, not a hog: the other checkers run as often
  }
}
