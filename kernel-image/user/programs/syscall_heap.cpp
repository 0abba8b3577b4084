// Ring-3 program "syscall-heap": memory_allocate and memory_free
// (docs/syscalls.md, "Memory"), every success and error case, each round.
// The heap is its process's: PRISTINE_USER_HEAP_SIZE bytes after its counter
// page, handed out in page-granular regions, first fit. The first wrong
// result ends the task with exit code 100 + the check's number; each round
// counts one.
#include <initializer_list>

#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kHeapPages = PRISTINE_USER_HEAP_SIZE / kPage;

std::uint64_t address(const Result& r) { return static_cast<std::uint64_t>(r.value); }
volatile std::uint64_t* word_at(std::uint64_t address) { return reinterpret_cast<volatile std::uint64_t*>(address); }

std::int64_t check_round(std::uint64_t heap, std::uint64_t stack) {
  // 1: lengths that can never be given: none, more than the heap, so large
  // that rounding up to pages would wrap.
  for (const std::uint64_t bad : {std::uint64_t{0}, std::uint64_t{PRISTINE_USER_HEAP_SIZE + 1}, ~std::uint64_t{0},
                                  ~std::uint64_t{0} - kPage + 2, std::uint64_t{1} << 63}) {
    if (!memory_allocate(bad).is(EINVAL)) return 101;
  }
  // 2: a region is page-aligned, in the heap, first fit: the lowest page.
  const Result a = memory_allocate(1);
  if (!a.ok() || address(a) != heap) return 102;
  // 3: its page reads zero at first touch and keeps what is written.
  if (*word_at(address(a)) != 0) return 103;
  *word_at(address(a)) = 0xDEB06;
  if (*word_at(address(a)) != 0xDEB06) return 104;
  // 4: freed (a length that rounds to the same page) it is unmapped: it reads
  // zero again (the heap is demand-zero: the touch maps a fresh page)...
  if (!memory_free(address(a), kPage).ok()) return 105;
  if (*word_at(address(a)) != 0) return 106;
  // ...and the next allocate hands it out again, fresh.
  const Result again = memory_allocate(kPage);
  if (!again.ok() || address(again) != heap || *word_at(address(again)) != 0) return 107;
  if (!memory_free(address(again), 1).ok()) return 108;
  // 5: a double free, and frees that name no region.
  if (!memory_free(address(again), kPage).is(EINVAL)) return 109;
  // 6: the heap runs out (ENOMEM, not EINVAL: the length is possible), and
  // every page comes back.
  std::uint64_t pages[kHeapPages];
  for (std::uint64_t i = 0; i < kHeapPages; ++i) {
    const Result r = memory_allocate(kPage);
    if (!r.ok() || address(r) != heap + i * kPage) return 110;
    pages[i] = address(r);
    *word_at(pages[i]) = i + 1;
  }
  if (!memory_allocate(1).is(ENOMEM) || !memory_allocate(PRISTINE_USER_HEAP_SIZE).is(ENOMEM)) return 111;
  // 7: a range over two regions is neither.
  if (!memory_free(pages[0], 2 * kPage).is(EINVAL)) return 112;
  for (std::uint64_t i = 0; i < kHeapPages; ++i) {
    if (*word_at(pages[i]) != i + 1 || !memory_free(pages[i], kPage).ok()) return 113;
  }
  // 8: the whole heap in one region; parts of it are not regions.
  const Result whole = memory_allocate(PRISTINE_USER_HEAP_SIZE);
  if (!whole.ok() || address(whole) != heap) return 114;
  if (!memory_free(heap, kPage).is(EINVAL) ||                             // its first page only
      !memory_free(heap + kPage, PRISTINE_USER_HEAP_SIZE - kPage).is(EINVAL) ||  // all but its first page
      !memory_free(heap, PRISTINE_USER_HEAP_SIZE + 1).is(EINVAL)) {       // past the heap
    return 115;
  }
  if (!memory_free(heap, PRISTINE_USER_HEAP_SIZE).ok()) return 116;
  // 9: addresses that are not a region's: unaligned, outside the heap (its
  // stack, null, the kernel, past the heap), a length of 0 or one that wraps.
  const Result r2 = memory_allocate(2 * kPage);
  if (!r2.ok()) return 117;
  for (const std::uint64_t bad : {address(r2) + 1, address(r2) + kPage - 1, stack, std::uint64_t{0},
                                  std::uint64_t{0xFFFFFFFF80000000ull}, heap + PRISTINE_USER_HEAP_SIZE,
                                  heap - kPage, ~std::uint64_t{0} & ~(kPage - 1)}) {
    if (!memory_free(bad, kPage).is(EINVAL)) return 118;
  }
  if (!memory_free(address(r2), 0).is(EINVAL) || !memory_free(address(r2), ~std::uint64_t{0}).is(EINVAL) ||
      !memory_free(address(r2), ~std::uint64_t{0} - kPage + 2).is(EINVAL)) {
    return 119;
  }
  // 10: partly: its first page, its second page, more than it.
  if (!memory_free(address(r2), kPage).is(EINVAL) || !memory_free(address(r2) + kPage, kPage).is(EINVAL) ||
      !memory_free(address(r2), 3 * kPage).is(EINVAL)) {
    return 120;
  }
  // 11: a region after it starts after it; freeing the first leaves the second whole.
  const Result r3 = memory_allocate(kPage + 1);
  if (!r3.ok() || address(r3) != address(r2) + 2 * kPage) return 121;
  *word_at(address(r3)) = 33;
  if (!memory_free(address(r2), 2 * kPage).ok()) return 122;
  if (*word_at(address(r3)) != 33) return 123;
  // 12: the freed pages are reused by a smaller region first.
  const Result r4 = memory_allocate(1);
  if (!r4.ok() || address(r4) != heap) return 124;
  if (!memory_free(address(r3), 2 * kPage).ok() || !memory_free(address(r4), 1).ok()) return 125;
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_heap_main) {
  const std::uint64_t counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~(kPage - 1);
  const std::uint64_t heap = counter_page + PRISTINE_USER_COUNTER_SIZE;
  const std::uint64_t stack = counter_page - PRISTINE_USER_STACK_SIZE;
  for (;;) {
    if (const std::int64_t failed = check_round(heap, stack); failed != 0) return failed;
    ++*start.counter;
    yield();
  }
}
