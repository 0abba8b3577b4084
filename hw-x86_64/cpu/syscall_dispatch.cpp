// The C++ side of the syscall entry, and the MSR setup that routes SYSCALL here.
#include "core/hot_path.h"
#include "core/syscall/syscall.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/segments.h"
#include "hw-x86_64/cpu/syscall_setup.h"
#include "hw-x86_64/cpu/trap_frame.h"

extern "C" char syscall_entry[];

// The number and arguments are read in place, the result replaces RAX
// (trap_frame.h keeps them in the ABI's order).
extern "C" PRISTINE_HOT pristine::TrapFrame* x86_syscall_dispatch(pristine::TrapFrame* frame) {
  return pristine::dispatch_syscall(frame->syscall, frame);
}

namespace pristine::x86 {

void syscall_setup() {
  // Cleared on entry: IF (no interrupt before the stack switch), TF, DF (the
  // ABI needs DF = 0), AC (no user-controlled alignment checks in the kernel).
  constexpr std::uint64_t kSfmask = (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18);
  wrmsr(kMsrStar, kStarValue);
  wrmsr(kMsrLstar, reinterpret_cast<std::uint64_t>(syscall_entry));
  wrmsr(kMsrSfmask, kSfmask);
  wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSyscall);
}

}  // namespace pristine::x86
