// Ring-3 program "syscall-abi": the calling convention of docs/syscalls.md,
// checked from ring 3 on every round. Each call is made through both entries
// (`syscall` and `int $0x80`) and must give the same result, with CF set
// exactly when the result is an error. The first wrong result ends the task
// with exit code 100 + the check's number; a round that passes counts one.
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kKernelAddress = 0xFFFFFFFF80100000;
constexpr std::uint64_t kNoSuchCall = 999;

// Both entries, same arguments: equal results, and `expect_error` decides CF.
bool same_both_ways(std::uint64_t number, std::uint64_t a0, std::uint64_t a1, bool expect_error,
                    std::int64_t expected) {
  const Result by_syscall = call_number<Entry::Syscall>(number, a0, a1);
  const Result by_gate = call_number<Entry::Gate>(number, a0, a1);
  return by_syscall.value == expected && by_gate.value == expected && by_syscall.failed == expect_error &&
         by_gate.failed == expect_error;
}

std::uint64_t as_number(Sys s) { return static_cast<std::uint64_t>(s); }

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_abi_main) {
  static const char kMessage[] = "";
  for (;;) {
    // 1: getpid, both ways, the same id, CF clear.
    const Result pid = getpid();
    if (!pid.ok() || !same_both_ways(as_number(Sys::GetPid), 0, 0, false, pid.value)) return 101;
    // 2: a number past the table: -ENOSYS with CF set.
    if (!same_both_ways(kNoSuchCall, 0, 0, true, ENOSYS)) return 102;
    // 3: a kernel pointer: -EFAULT with CF set.
    if (!same_both_ways(as_number(Sys::Write), kKernelAddress, 4, true, EFAULT)) return 103;
    // 4: an empty write succeeds: 0, CF clear.
    if (!same_both_ways(as_number(Sys::Write), reinterpret_cast<std::uint64_t>(kMessage), 0, false, 0)) return 104;
    // 5: an absurd sleep: -EINVAL with CF set.
    if (!same_both_ways(as_number(Sys::Sleep), ~std::uint64_t{0}, 0, true, EINVAL)) return 105;
    // 6: yield through the gate gives up the CPU and comes back with 0.
    const Result yielded = call<Entry::Gate>(Sys::Yield);
    if (!yielded.ok() || yielded.value != 0) return 106;
    ++*start.counter;
  }
}
