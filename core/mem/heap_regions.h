// The heap regions of an address space (memory_allocate / memory_free,
// docs/syscalls.md, "Memory"): the process's heap, PRISTINE_USER_HEAP_SIZE
// bytes of its first task's slot, handed out in page-granular regions. The
// whole state is one 64-bit word in the process's task (Task::heap_regions),
// sized at build time and changed only by compare-and-swap (threads of one
// process may allocate on several CPUs at once; no lock):
//   bits 0-31   page n of the heap belongs to a region
//   bits 32-63  page n is the first page of a region
// A region is a run of allocated pages that starts with a start bit and ends
// before the next start bit or free page.
#pragma once

#include <cstdint>

#include "core/user_layout.h"

namespace pristine::mem {

inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr std::uint32_t kHeapPages = PRISTINE_USER_HEAP_SIZE / kPageSize;
static_assert(kHeapPages >= 1 && kHeapPages <= 32, "one bit per heap page in each half of the word");
static_assert(PRISTINE_USER_HEAP_SIZE % kPageSize == 0);

// `count` pages from page `first` (first + count <= kHeapPages).
constexpr std::uint64_t pages_mask(std::uint32_t first, std::uint32_t count) {
  return ((std::uint64_t{1} << count) - 1) << first;
}
constexpr std::uint64_t start_bit(std::uint32_t first) { return std::uint64_t{1} << (32 + first); }
constexpr std::uint32_t allocated_pages(std::uint64_t word) { return static_cast<std::uint32_t>(word); }

// Pages a length takes, rounded up; 0 for a length of 0 or more than the heap
// (no overflow: the length is checked before it is rounded).
constexpr std::uint32_t pages_for(std::uint64_t length) {
  if (length == 0 || length > PRISTINE_USER_HEAP_SIZE) return 0;
  return static_cast<std::uint32_t>((length + kPageSize - 1) / kPageSize);
}

// The first page of the lowest run of `count` free pages, or kHeapPages if
// there is none (at most kHeapPages looks: bounded).
constexpr std::uint32_t first_fit(std::uint64_t word, std::uint32_t count) {
  const std::uint64_t allocated = allocated_pages(word);
  for (std::uint32_t first = 0; first + count <= kHeapPages; ++first) {
    if ((allocated & pages_mask(first, count)) == 0) return first;
  }
  return kHeapPages;
}

// True if pages [first, first + count) are exactly one region of `word`: all
// allocated, a start at `first` and at no other of them, and the page after
// them free or the start of another region (else the range is a part of a
// longer region).
constexpr bool is_region(std::uint64_t word, std::uint32_t first, std::uint32_t count) {
  const std::uint64_t allocated = allocated_pages(word);
  const std::uint64_t starts = word >> 32;
  const std::uint64_t mask = pages_mask(first, count);
  if ((allocated & mask) != mask || (starts & mask) != (std::uint64_t{1} << first)) return false;
  const std::uint32_t after = first + count;
  return after == kHeapPages || (allocated & (std::uint64_t{1} << after)) == 0 ||
         (starts & (std::uint64_t{1} << after)) != 0;
}

}  // namespace pristine::mem
