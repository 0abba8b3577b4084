// The CPU half of the machine interface (core/machine.h) on AArch64.
#include <cstdint>

#include "core/console.h"
#include "core/hot_path.h"
#include "core/interrupt/exception.h"
#include "core/machine.h"
#include "core/syscall/syscall.h"
#include "hw-aarch64/cpu/exception_syndrome.h"
#include "hw-aarch64/cpu/pan.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/cpu/trap_frame.h"

extern "C" char pristine_exception_return[];
extern "C" std::size_t aarch64_user_copy(void* to, const void* from, std::size_t length);

namespace pristine::machine {
namespace {

// SPSR values of a new context: EL1 with SP_EL1 (EL1h) or EL0, interrupts taken.
constexpr std::uint64_t kSpsrEl1h = 0x5;
constexpr std::uint64_t kSpsrEl0t = 0x0;
// PSTATE.C: a system call's error flag (docs/syscalls.md: x86's CF).
constexpr std::uint64_t kSpsrCarry = 1ull << 29;
// CPACR_EL1.FPEN: 0b11 FP/SIMD runs, 0b00 it traps (class 0x07).
constexpr std::uint64_t kCpacrFpEnabled = 3ull << 20;

// Clear `bytes` (a multiple of 16) at 16-byte aligned `p`, sixteen a store:
// on the spawn path, where a byte loop (what a struct clear or the
// freestanding memset gives) costs a thousand instructions.
PRISTINE_HOT void clear16(void* p, std::size_t bytes) {
  // Four pairs a turn while 64 bytes are left (the count and branch paid
  // once per 64), then a pair a turn.
  if (std::uint64_t turns = bytes / 64) {
    asm volatile(
        "1: stp xzr, xzr, [%0]\n stp xzr, xzr, [%0, #16]\n stp xzr, xzr, [%0, #32]\n stp xzr, xzr, [%0, #48]\n"
        "   add %0, %0, #64\n subs %1, %1, #1\n b.ne 1b"
        : "+r"(p), "+r"(turns)
        :
        : "memory", "cc");
  }
  if (std::uint64_t stores = bytes % 64 / 16) {
    asm volatile("1: stp xzr, xzr, [%0], #16\n subs %1, %1, #1\n b.ne 1b" : "+r"(p), "+r"(stores) : : "memory", "cc");
  }
}

PRISTINE_HOT TrapFrame* frame_below(VirtAddr stack_top) {
  auto* frame = reinterpret_cast<TrapFrame*>(stack_top - sizeof(TrapFrame));
  static_assert(sizeof(TrapFrame) % 16 == 0);
  clear16(frame, sizeof(TrapFrame));
  return frame;
}

}  // namespace

// TPIDR_EL1 holds the CPU's index (set once at its bring-up).
PRISTINE_HOT CpuId cpu_id() { return static_cast<CpuId>(static_cast<std::uint32_t>(PRISTINE_READ_SYSREG(tpidr_el1))); }

PRISTINE_HOT void irq_disable() { aarch64::irq_disable(); }
PRISTINE_HOT void irq_enable() { aarch64::irq_enable(); }

// With IRQs masked a pending interrupt still ends `wfi`; unmasking then takes it.
void halt_until_interrupt() { asm volatile("wfi\n msr daifclr, #2\n isb" ::: "memory"); }

PRISTINE_HOT void fpu_save_and_trap(FpuState& from) {
  asm volatile(
      "stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
      "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
      "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
      "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
      "mrs x9, fpcr\n mrs x10, fpsr\n add x11, %0, #512\n stp x9, x10, [x11]\n" ::"r"(from.bytes)
      : "x9", "x10", "x11", "memory");
  PRISTINE_WRITE_SYSREG(cpacr_el1, PRISTINE_READ_SYSREG(cpacr_el1) & ~kCpacrFpEnabled);
  aarch64::isb();
}

PRISTINE_HOT void fpu_load(const FpuState& to) {
  PRISTINE_WRITE_SYSREG(cpacr_el1, PRISTINE_READ_SYSREG(cpacr_el1) | kCpacrFpEnabled);
  aarch64::isb();
  asm volatile(
      "ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
      "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
      "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
      "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
      "add x11, %0, #512\n ldp x9, x10, [x11]\n msr fpcr, x9\n msr fpsr, x10\n" ::"r"(to.bytes)
      : "x9", "x10", "x11", "memory");
}

// An entry from EL0 uses SP_EL1 as the return to EL0 left it: the top of the
// task's kernel stack, where its frame sits (the frame's pop restores it), so
// there is nothing to program.
PRISTINE_HOT void set_kernel_stack(VirtAddr) {}

// A kernel thread's wait: `svc` from EL1 with the kernel-wait immediate
// (hw-aarch64/cpu/exception_dispatch.cpp tells it from EL0's system calls).
void kernel_wait() { asm volatile("svc #0x81" ::: "memory"); }

void enter_frame(TrapFrame* frame) {
  asm volatile("mov x0, %0\n br %1" ::"r"(frame), "r"(pristine_exception_return) : "x0", "memory");
  __builtin_unreachable();
}

PRISTINE_HOT std::size_t copy_from_user(void* to, VirtAddr from, std::size_t length) {
  return aarch64_user_copy(to, pointer_to<const void>(from), length);
}

PRISTINE_HOT std::size_t copy_to_user(VirtAddr to, const void* from, std::size_t length) {
  return aarch64_user_copy(pointer_to<void>(to), from, length);
}

PRISTINE_HOT void resume_at(TrapFrame& frame, VirtAddr ip) { frame.elr = ip; }

// x0, and PSTATE.C for a result in [kSyscallFirstError, -1].
PRISTINE_HOT void set_syscall_result(TrapFrame& frame, std::int64_t result) {
  frame.x[0] = static_cast<std::uint64_t>(result);
  const bool error = result < 0 && result >= kSyscallFirstError;
  frame.spsr = error ? (frame.spsr | kSpsrCarry) : (frame.spsr & ~kSpsrCarry);
}

// Ring-3 translations only, so no `isb`: nothing at EL1 uses the flushed
// page afterwards, and the `eret` back to EL0 synchronises the context
// before any EL0 instruction (docs/aarch64.md, "The hard gate").
PRISTINE_HOT void flush_tlb_page(VirtAddr page) {
  asm volatile("dsb ishst\n tlbi vaae1, %0\n dsb nsh" ::"r"(page >> 12) : "memory");
}

PRISTINE_HOT void flush_tlb_all() { asm volatile("dsb ishst\n tlbi vmalle1\n dsb nsh" ::: "memory"); }

PRISTINE_HOT void cpu_relax() { asm volatile("yield" ::: "memory"); }

void halt_forever() {
  for (;;) asm volatile("msr daifset, #0xf\n wfi" ::: "memory");
}

// Calls that never return: each stores its frame record below the stack
// pointer, until the stack runs into its guard page.
void overflow_kernel_stack() {
  asm volatile("1: stp x29, x30, [sp, #-16]!\n bl 1b" ::: "memory");
  __builtin_unreachable();
}

PRISTINE_HOT TrapFrame* prepare_user_frame(VirtAddr kernel_stack_top, VirtAddr entry, VirtAddr user_stack,
                                           std::uint64_t arg0, std::uint64_t arg1) {
  TrapFrame* frame = frame_below(kernel_stack_top);
  frame->x[0] = arg0;
  frame->x[1] = arg1;
  frame->elr = entry;
  frame->sp_el0 = user_stack;
  frame->spsr = kSpsrEl0t;
  return frame;
}

TrapFrame* prepare_kernel_frame(VirtAddr kernel_stack_top, void (*entry)(std::uint64_t), std::uint64_t arg) {
  // The frame occupies the top of the stack; popping it leaves SP at the top.
  TrapFrame* frame = frame_below(kernel_stack_top);
  frame->x[0] = arg;
  frame->elr = reinterpret_cast<std::uint64_t>(entry);
  frame->spsr = kSpsrEl1h | aarch64::pan_bits_for_kernel_context();  // kernel threads run with PAN too
  return frame;
}

// V0-V31 zero, FPCR and FPSR at their reset values (zero).
PRISTINE_HOT void init_fpu_state(FpuState& state) {
  static_assert(sizeof(FpuState) % 16 == 0 && alignof(FpuState) >= 16);
  clear16(state.bytes, sizeof state.bytes);
}

void write_exception_details(const ExceptionInfo& info) {
  console::write(" elr=");
  console::write_hex(info.ip);
  console::write(" esr=");
  console::write_hex(info.code);
  console::write(" far=");
  console::write_hex(info.fault_address);
}

void dump_frame(const TrapFrame& f) {
  for (unsigned i = 0; i < 31; ++i) {
    console::write(i < 10 ? "  x0" : "  x");
    console::write_dec(i);
    console::write("=");
    console::write_hex(f.x[i]);
    if (i % 4 == 3) console::write("\n");
  }
  console::write("  sp_el0=");
  console::write_hex(f.sp_el0);
  console::write("\n  elr=");
  console::write_hex(f.elr);
  console::write("  spsr=");
  console::write_hex(f.spsr);
  console::write("  esr=");
  console::write_hex(PRISTINE_READ_SYSREG(esr_el1));
  console::write("  far=");
  console::write_hex(PRISTINE_READ_SYSREG(far_el1));
  console::write("\n");
}

}  // namespace pristine::machine
