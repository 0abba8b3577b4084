// The CPU half of the machine interface (core/machine.h): identical on the PC
// and on the simulated board, because both run real x86-64 code.
#include "core/console.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "hw-x86_64/cpu/descriptor_tables.h"
#include "hw-x86_64/cpu/cpu_init.h"
#include "hw-x86_64/cpu/instructions.h"
#include "hw-x86_64/cpu/segments.h"
#include "hw-x86_64/cpu/trap_frame.h"

extern "C" char interrupt_return[];
extern "C" std::size_t x86_user_copy(void* to, const void* from, std::size_t length);

namespace pristine::machine {

PRISTINE_HOT CpuId cpu_id() {
  CpuId id;
  asm volatile("movl %%gs:8, %0" : "=r"(id));
  return id;
}

PRISTINE_HOT std::size_t copy_from_user(void* to, VirtAddr from, std::size_t length) {
  return x86_user_copy(to, pointer_to<const void>(from), length);
}

PRISTINE_HOT std::size_t copy_to_user(VirtAddr to, const void* from, std::size_t length) {
  return x86_user_copy(pointer_to<void>(to), from, length);
}

PRISTINE_HOT void resume_at(TrapFrame& frame, VirtAddr ip) { frame.rip = ip; }

// RFLAGS.CF says whether RAX is an error, as the return path's set_error_flag
// sets it (hw-x86_64/cpu/syscall_entry.S).
PRISTINE_HOT void set_syscall_result(TrapFrame& frame, std::int64_t result) {
  frame.rax = static_cast<std::uint64_t>(result);
  constexpr std::uint64_t kCarry = 1;
  frame.rflags = (frame.rflags & ~kCarry) | (result < 0 && result >= kSyscallFirstError ? kCarry : 0);
}

void irq_disable() { asm volatile("cli" ::: "memory"); }
void irq_enable() { asm volatile("sti" ::: "memory"); }

void halt_until_interrupt() {
  // sti's one-instruction shadow makes "sti; hlt" atomic: no interrupt can
  // slip in between and leave us halted with it already handled (SDM Vol. 2B, STI).
  asm volatile("sti; hlt" ::: "memory");
}

// fxsave64/fxrstor64 write and read 512 bytes at a 16-aligned address.
static_assert(sizeof(FpuState) >= 512 && alignof(FpuState) % 16 == 0, "FpuState must hold an fxsave area");

PRISTINE_HOT void fpu_save_and_trap(FpuState& from) {
  asm volatile("fxsave64 %0" : "=m"(from));
  // Nothing of `from` stays in the registers for the next task to read, not
  // even speculatively (the LazyFP leak: docs/fpu.md).
  asm volatile("fxrstor64 %0" ::"m"(x86::g_clean_fpu_state));
  x86::write_cr0(x86::read_cr0() | x86::kCr0TaskSwitched);
}

PRISTINE_HOT void fpu_load(const FpuState& to) {
  asm volatile("clts" ::: "memory");
  asm volatile("fxrstor64 %0" ::"m"(to));
}

PRISTINE_HOT void set_kernel_stack(VirtAddr kernel_stack_top) {
  // Both ring-3 entries use it: interrupts through TSS.RSP0, syscall through
  // the per-CPU copy (SYSCALL does not switch stacks itself).
  x86::tss_of(cpu_id()).rsp[0] = kernel_stack_top;
  asm volatile("movq %0, %%gs:24" ::"r"(kernel_stack_top) : "memory");
}

PRISTINE_HOT void switch_address_space(PhysAddr root) {
  if (root != 0 && x86::read_cr3() != root) x86::write_cr3(root);
}

PRISTINE_HOT void flush_tlb_page(VirtAddr page) { asm volatile("invlpg (%0)" ::"r"(page) : "memory"); }

PRISTINE_HOT void flush_tlb_all() { x86::write_cr3(x86::read_cr3()); }

// A software interrupt through the kernel-wait gate (DPL 0): the same
// frame-based switch as every other path (core/interrupt/dispatch.cpp).
void kernel_wait() { asm volatile("int %0" ::"i"(static_cast<unsigned>(vectors::kKernelWait)) : "memory"); }

PRISTINE_HOT void cpu_relax() { asm volatile("pause" ::: "memory"); }

void halt_forever() {
  for (;;) asm volatile("cli; hlt" ::: "memory");
}

void overflow_kernel_stack() {
  // Each call pushes a return address and calls again: the stack runs into
  // its guard page, and the #PF cannot be pushed there, so the CPU raises #DF.
  asm volatile("1: call 1b" ::: "memory");
  __builtin_unreachable();
}

void enter_frame(TrapFrame* frame) {
#ifdef PRISTINE_LOG_RETURN_TO_RING3
  if ((frame->cs & 3) != 0) trace_iretq_to_ring3(*frame);
#endif
  asm volatile("movq %0, %%rsp\n\tjmp *%1" ::"r"(frame), "r"(interrupt_return) : "memory");
  __builtin_unreachable();
}

namespace {

PRISTINE_HOT TrapFrame* frame_below(VirtAddr stack_top) {
  auto* frame = reinterpret_cast<TrapFrame*>(stack_top - sizeof(TrapFrame));
  *frame = TrapFrame{};
  return frame;
}

}  // namespace

PRISTINE_HOT TrapFrame* prepare_user_frame(VirtAddr kernel_stack_top, VirtAddr entry, VirtAddr user_stack,
                                           std::uint64_t arg0, std::uint64_t arg1) {
  TrapFrame* frame = frame_below(kernel_stack_top);
  frame->rdi = arg0;
  frame->rsi = arg1;
  frame->rip = entry;
  frame->cs = x86::kUserCode;
  frame->rflags = x86::kRflagsIf | x86::kRflagsReserved1;
  frame->rsp = user_stack;
  frame->ss = x86::kUserData;
  return frame;
}

TrapFrame* prepare_kernel_frame(VirtAddr kernel_stack_top, void (*entry)(std::uint64_t),
                                std::uint64_t arg) {
  TrapFrame* frame = frame_below(kernel_stack_top);
  frame->rdi = arg;
  frame->rip = reinterpret_cast<std::uint64_t>(entry);
  frame->cs = x86::kKernelCode;
  frame->rflags = x86::kRflagsIf | x86::kRflagsReserved1;
  // The frame occupies the top of the stack; the thread starts just below it,
  // aligned as after a call (RSP + 8 is 16-byte aligned at function entry).
  frame->rsp = (reinterpret_cast<std::uint64_t>(frame) & ~std::uint64_t{15}) - 8;
  frame->ss = x86::kKernelData;
  return frame;
}

void dump_frame(const TrapFrame& f) {
  struct Named {
    const char* name;
    std::uint64_t value;
  };
  const Named regs[] = {{"rax", f.rax}, {"rbx", f.rbx}, {"rcx", f.rcx}, {"rdx", f.rdx}, {"rsi", f.rsi},
                        {"rdi", f.rdi}, {"rbp", f.rbp}, {"rsp", f.rsp}, {"r8", f.r8},   {"r9", f.r9},
                        {"r10", f.r10}, {"r11", f.r11}, {"r12", f.r12}, {"r13", f.r13}, {"r14", f.r14},
                        {"r15", f.r15}, {"rip", f.rip}, {"cs", f.cs},   {"rflags", f.rflags}, {"ss", f.ss},
                        {"cr0", x86::read_cr0()}, {"cr2", x86::read_cr2()}, {"cr3", x86::read_cr3()},
                        {"cr4", x86::read_cr4()}};
  unsigned column = 0;
  for (const Named& r : regs) {
    console::write("  ");
    console::write(r.name);
    console::write("=");
    console::write_hex(r.value);
    if (++column % 4 == 0) console::write("\n");
  }
  if (column % 4 != 0) console::write("\n");
}

// On the spawn path: one `rep movsq` (a fast string), not a byte loop.
PRISTINE_HOT void init_fpu_state(FpuState& state) {
  static_assert(sizeof(FpuState) % 8 == 0);
  void* to = state.bytes;
  const void* from = x86::g_clean_fpu_state.bytes;
  std::size_t qwords = sizeof(FpuState) / 8;
  asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(qwords) : : "memory");
}

}  // namespace pristine::machine
