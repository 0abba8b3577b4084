// Ring-3 program "syscall-debug": the debug calls (docs/syscalls.md,
// "Debug"), every success and error case, for `arg` rounds (0: for ever);
// then it only counts and yields, so the reports' figures are exact: each
// round takes four trace markers (the last one's value is the round's
// number, from 0) and closes region 0 once, regions 1-4 once each and region
// 5 (a loop of kLoop iterations) once. The first wrong result ends the task
// with exit code 100 + the check's number; each round counts one.
#include <initializer_list>

#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kRegions = 8;
constexpr std::uint64_t kLoop = 1000;

std::int64_t check_round(std::uint64_t round) {
  // 1: a marker takes any value and returns 0.
  for (const std::uint64_t value : {std::uint64_t{0}, ~std::uint64_t{0}, std::uint64_t{0x1234}}) {
    const Result r = trace_marker(value);
    if (!r.ok() || r.value != 0) return 101;
  }
  // 2: region ids past the table.
  for (const std::uint64_t bad : {kRegions, kRegions + 1, std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
    if (!profile_start(bad).is(EINVAL) || !profile_stop(bad).is(EINVAL)) return 102;
  }
  // 3: a stop without a start, for every region.
  for (std::uint64_t r = 0; r < kRegions; ++r) {
    if (!profile_stop(r).is(EINVAL)) return 103;
  }
  // 4: a region opens once (-EBUSY while open), closes once, with its span.
  if (!profile_start(0).ok() || !profile_start(0).is(EBUSY)) return 104;
  const Result span = profile_stop(0);
  if (!span.ok() || span.value < 0) return 105;
  if (!profile_stop(0).is(EINVAL)) return 106;
  // 5: regions of different ids nest: the outer one spans the inner one.
  if (!profile_start(1).ok() || !profile_start(2).ok()) return 107;
  const Result inner = profile_stop(2);
  const Result outer = profile_stop(1);
  if (!inner.ok() || !outer.ok() || outer.value < inner.value) return 108;
  // 6: and overlap, each closed on its own.
  if (!profile_start(3).ok() || !profile_start(4).ok() || !profile_stop(3).ok() || !profile_stop(4).ok()) {
    return 109;
  }
  // 7: a region around work takes at least an instruction per iteration.
  if (!profile_start(5).ok()) return 110;
  volatile std::uint64_t sink = 0;
  for (std::uint64_t i = 0; i < kLoop; ++i) sink = sink + i;
  const Result work = profile_stop(5);
  if (!work.ok() || work.value < static_cast<std::int64_t>(kLoop)) return 111;
  // 8: the round's own marker, last.
  if (!trace_marker(round).ok()) return 112;
  return 0;
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_debug_main) {
  for (std::uint64_t round = 0; start.arg == 0 || round < start.arg; ++round) {
    if (const std::int64_t failed = check_round(round); failed != 0) return failed;
    ++*start.counter;
    yield();
  }
  for (;;) {
    ++*start.counter;
    yield();
  }
}
