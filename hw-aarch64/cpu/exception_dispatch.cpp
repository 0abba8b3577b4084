// The C++ side of the AArch64 exception entry (exception_vectors.S): each
// entry hands its frame to core/, as hw-x86_64/cpu/interrupt_dispatch.cpp
// does, and returns the frame to resume.
#include <cstdint>

#include "core/hot_path.h"
#include "core/interrupt/dispatch.h"
#include "core/interrupt/exception.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "core/syscall/syscall.h"
#include "hw-aarch64/cpu/exception_syndrome.h"
#include "hw-aarch64/cpu/interrupt_controller.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/cpu/trap_frame.h"

namespace pristine::aarch64 {
namespace {

namespace slot = arch::aarch64_exception;

// The svc immediate of machine::kernel_wait (hw-aarch64/cpu/machine_cpu.cpp).
constexpr std::uint16_t kKernelWaitImmediate = 0x81;
constexpr std::uint64_t kAlignmentFaultStatus = 0x21;

PRISTINE_HOT Vector slot_of(ExceptionClass c) {
  switch (c) {
    case ExceptionClass::Unknown: return slot::kUndefined;
    case ExceptionClass::InstructionAbortLowerEl:
    case ExceptionClass::InstructionAbortSameEl: return slot::kInstructionAbort;
    case ExceptionClass::PcAlignment: return slot::kPcAlignment;
    case ExceptionClass::DataAbortLowerEl:
    case ExceptionClass::DataAbortSameEl: return slot::kDataAbort;
    case ExceptionClass::SpAlignment: return slot::kSpAlignment;
    case ExceptionClass::Brk64: return slot::kBreakpoint;
    case ExceptionClass::FpAccess: return slot::kFpAccess;
    case ExceptionClass::IllegalState: return slot::kIllegalState;
    case ExceptionClass::SystemRegister: return slot::kSystemRegister;
    default: return slot::kOther;
  }
}

PRISTINE_HOT TrapFrame* take_exception(TrapFrame* frame, Vector vector, bool from_user, std::uint64_t esr) {
  const bool abort = vector == slot::kDataAbort || vector == slot::kInstructionAbort;
  const ExceptionInfo info{.vector = vector,
                           .from_user = from_user,
                           .code = esr,
                           .ip = frame->elr,
                           .fault_address = abort ? PRISTINE_READ_SYSREG(far_el1) : 0,
                           .stack_pointer = from_user ? frame->sp_el0 : reinterpret_cast<std::uint64_t>(frame + 1)};
  return dispatch_exception(info, frame);
}

// A system call from EL0 (docs/syscalls.md; seed 004's convention): x8 the
// number, x0-x5 the arguments, the result in x0 and PSTATE.C set for an
// error, as x86-64's CF. core/ writes the result over the number
// (SyscallArgs), which x86-64's RAX holds both of; here it is copied to x0.
// A call that blocks gets its result later (machine::set_syscall_result).
PRISTINE_HOT TrapFrame* take_system_call(TrapFrame* frame) {
#ifdef PRISTINE_BROKEN_KERNEL_READS_USER
  // Broken on purpose (aarch64-kernel-broken-kernel-reads-user.elf): a plain
  // kernel load of the caller's code through its EL0 mapping, which PAN
  // turns into a permission fault at EL1 (tests/aarch64_boot_test.cpp).
  (void)*reinterpret_cast<const volatile std::uint32_t*>(frame->elr);
#endif
  SyscallArgs call{frame->x[8], {frame->x[0], frame->x[1], frame->x[2], frame->x[3], frame->x[4], frame->x[5]}};
  TrapFrame* resume = dispatch_syscall(call, frame);
  machine::set_syscall_result(*frame, static_cast<std::int64_t>(call.number));
  return resume;
}

PRISTINE_HOT TrapFrame* take_synchronous(TrapFrame* frame, bool from_user) {
  const std::uint64_t esr = PRISTINE_READ_SYSREG(esr_el1);
  const ExceptionClass c = exception_class(esr);
  if (c == ExceptionClass::Svc64 && !from_user && svc_immediate(esr) == kKernelWaitImmediate) {
    return dispatch_interrupt(vectors::kKernelWait, frame);
  }
  if (c == ExceptionClass::Svc64 && from_user) return take_system_call(frame);
  // A data abort for alignment is no page fault: nothing to map, and core/
  // must not read it as one (Arm ARM D17.2.37: DFSC 0b100001).
  const bool alignment = (c == ExceptionClass::DataAbortLowerEl || c == ExceptionClass::DataAbortSameEl) &&
                         (esr & 0x3f) == kAlignmentFaultStatus;
  return take_exception(frame, alignment ? slot::kAlignment : slot_of(c), from_user, esr);
}

}  // namespace
}  // namespace pristine::aarch64

extern "C" PRISTINE_HOT pristine::TrapFrame* aarch64_exception(pristine::TrapFrame* frame, std::uint64_t entry) {
  using namespace pristine;
  using aarch64::VectorEntry;
  switch (static_cast<VectorEntry>(entry)) {
    case VectorEntry::CurrentSpxIrq:
    case VectorEntry::Lower64Irq:
      return dispatch_interrupt(aarch64::acknowledge_interrupt(), frame);
    case VectorEntry::CurrentSpxSync:
      return aarch64::take_synchronous(frame, false);
    case VectorEntry::Lower64Sync:
      return aarch64::take_synchronous(frame, true);
    case VectorEntry::CurrentSpxSError:
    case VectorEntry::Lower64SError:
      return aarch64::take_exception(frame, arch::aarch64_exception::kSError, entry >= 8,
                                     PRISTINE_READ_SYSREG(esr_el1));
    default:  // SP_EL0 at EL1, FIQ, AArch32: nothing here runs so
      return aarch64::take_exception(frame, arch::aarch64_exception::kOther, entry >= 8,
                                     PRISTINE_READ_SYSREG(esr_el1));
  }
}
