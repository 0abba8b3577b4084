// The C++ side of the syscall entry, and the MSR setup that routes SYSCALL here.
#include "core/hot_path.h"
#include "core/syscall/syscall.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/segments.h"
#include "hw-x86_64/cpu/syscall_setup.h"
#include "hw-x86_64/cpu/trap_frame.h"

extern "C" char syscall_entry[];

extern "C" PRISTINE_HOT pristine::TrapFrame* x86_syscall_dispatch(pristine::TrapFrame* frame) {
  using namespace pristine;
  const SyscallArgs args{frame->rax, {frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9}};
  std::int64_t result = 0;
  TrapFrame* resume = dispatch_syscall(args, frame, result);
  frame->rax = static_cast<std::uint64_t>(result);
  return resume;
}

namespace pristine::x86 {

void syscall_setup() {
  constexpr std::uint64_t kEferSce = 1;
  // Cleared on entry: IF (no interrupt before the stack switch), TF, DF (the
  // ABI needs DF = 0), AC (no user-controlled alignment checks in the kernel).
  constexpr std::uint64_t kSfmask = (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18);
  wrmsr(kMsrStar, kStarValue);
  wrmsr(kMsrLstar, reinterpret_cast<std::uint64_t>(syscall_entry));
  wrmsr(kMsrSfmask, kSfmask);
  wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSce);
}

}  // namespace pristine::x86
