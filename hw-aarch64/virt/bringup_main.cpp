// The AArch64 bring-up image: the second architecture's hardware paths on
// QEMU's `virt` board before core/ runs on them (issue 18's first step,
// hw-aarch64/README.md). It takes the exceptions the port rests on, each
// through the one entry path of exception_vectors.S, and checks what an
// interrupt path must do:
// - the virtual timer's tick, every one acknowledged (ICC_IAR1_EL1) and
//   ended (ICC_EOIR1_EL1) once, at one-shot deadlines a period apart;
// - the registers a loop holds across those interrupts come back unchanged;
// - an `svc` (ESR class 0x15) returns its result in x0 with the seed's
//   convention (x8 the number, x0 the argument and the result);
// - a `brk` (class 0x3c) is skipped by the handler moving ELR_EL1;
// - with the MMU on (hw-aarch64/cpu/mmu_setup.cpp: the kernel in its
//   TTBR1 linear map), a read of a page taken out of the linear map is
//   a translation fault at EL1 (class 0x25) at that address, not present,
//   a read by the kernel in core/'s words (arch/vectors.h);
// - an EL0 program in an address space of its own (TTBR0, ASID 1) makes a
//   system call from EL0 (class 0x15 from the lower EL), then reads a kernel
//   page: a permission fault from EL0 (class 0x24) that ends it, present,
//   a user read in core/'s words.
// It prints one line of figures and a verdict and exits through
// semihosting with status 0 (pass) or 1.
#include <cstdint>

#include "core/console.h"
#include "core/interrupt/exception_kind.h"
#include "core/machine.h"
#include "hw-aarch64/cpu/exception_syndrome.h"
#include "hw-aarch64/cpu/kernel_layout.h"
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/cpu/trap_frame.h"
#include "arch/vectors.h"
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/generic_timer.h"
#include "hw-aarch64/virt/gicv3.h"
#include "hw-aarch64/virt/pl011.h"
#include "hw-aarch64/virt/semihosting.h"

extern "C" char __user_text_start[];
extern "C" void bringup_enter_user(std::uint64_t entry, std::uint64_t user_stack);
extern "C" char bringup_user_task_ended[];

namespace pristine::aarch64 {
namespace {

constexpr std::uint64_t kTickHz = 1000;
constexpr std::uint64_t kTicks = 200;
constexpr std::uint64_t kSvcNumber = 39;  // any number: the image checks the path, not the call

struct Figures {
  std::uint64_t period = 0;
  std::uint64_t next_deadline = 0;
  std::uint64_t ticks = 0;
  std::uint64_t first_tick_at = 0;
  std::uint64_t last_tick_at = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t ended = 0;
  std::uint64_t spurious = 0;
  std::uint64_t unexpected = 0;  // an exception or interrupt nobody asked for
  std::uint64_t svc_number = 0;
  std::uint64_t brk_skipped = 0;
  std::uint64_t guard_esr = 0, guard_far = 0;
  std::uint64_t user_svc_number = 0, user_kept = 0;
  std::uint64_t user_esr = 0, user_far = 0;
};
Figures g_figures;

constexpr std::uint64_t kUserCode = 0x40'0000;
constexpr std::uint64_t kUserStackTop = 0x80'0000;
constexpr std::uint64_t kUserAsid = 1;
constexpr std::uint64_t kKernelAddressUserReads = kKernelOffset + 0x4020'0000;  // bringup_user.S
alignas(4096) std::uint8_t g_user_stack[aarch64::kPageSize];
// A page of the image taken out of the linear map once the MMU is on, as
// machine::unmap_kernel_page takes the kernel stacks' guard pages.
alignas(4096) std::uint8_t g_guard_page[aarch64::kPageSize];
// Tables for the EL0 program's address space, reached through the linear map.
alignas(4096) Table g_user_tables[4];

void take_away_guard_page() {
  const auto page = reinterpret_cast<std::uint64_t>(g_guard_page);
  kernel_page_tables().unmap_page(kernel_root(), page);
  asm volatile("dsb ishst\n tlbi vaae1, %0\n dsb nsh\n isb" ::"r"(page >> 12) : "memory");
}

void on_tick() {
  Figures& f = g_figures;
  const std::uint64_t now = virt::timer_now();
  if (f.ticks == 0) f.first_tick_at = now;
  f.last_tick_at = now;
  ++f.ticks;
  if (f.ticks < kTicks) {
    f.next_deadline += f.period;  // on the grid: no drift from handler time
    virt::timer_set_deadline(f.next_deadline);
  } else {
    virt::timer_stop();
  }
}

void on_irq() {
  Figures& f = g_figures;
  const std::uint32_t intid = virt::gic_acknowledge();
  if (intid == virt::kSpuriousIntid) {  // nothing became active: nothing to end
    ++f.spurious;
    return;
  }
  ++f.acknowledged;
  if (intid == virt::kVirtualTimerIntid) {
    on_tick();
  } else {
    ++f.unexpected;
  }
  virt::gic_end_of_interrupt(intid);
  ++f.ended;
}

void on_synchronous(pristine::TrapFrame& frame) {
  const std::uint64_t esr = PRISTINE_READ_SYSREG(esr_el1);
  switch (exception_class(esr)) {
    case ExceptionClass::Svc64:  // ELR is already the next instruction
      g_figures.svc_number = frame.x[8];
      frame.x[0] = frame.x[0] + 1;
      return;
    case ExceptionClass::Brk64:  // ELR is the brk itself: step over it
      frame.elr += 4;
      ++g_figures.brk_skipped;
      return;
    case ExceptionClass::DataAbortSameEl:  // the guard page: step over the load
      g_figures.guard_esr = esr;
      g_figures.guard_far = PRISTINE_READ_SYSREG(far_el1);
      frame.elr += 4;
      return;
    default:
      ++g_figures.unexpected;
      console::write("unexpected synchronous exception: esr ");
      console::write_hex(esr);
      console::write(" elr ");
      console::write_hex(frame.elr);
      console::write(" far ");
      console::write_hex(PRISTINE_READ_SYSREG(far_el1));
      console::write("\n");
      virt::exit_with_status(1);
  }
}

// x9-x15 and x19-x28 hold known values while the CPU waits for every tick
// (each `wfi` returns after an interrupt was taken): true if none changed.
// An exception from EL0: the program's system call, or the abort that ends
// it (then the frame returns to bringup_user_task_ended at EL1).
void on_synchronous_from_user(pristine::TrapFrame& frame) {
  const std::uint64_t esr = PRISTINE_READ_SYSREG(esr_el1);
  if (exception_class(esr) == ExceptionClass::Svc64) {
    g_figures.user_svc_number = frame.x[8];
    frame.x[0] = frame.x[0] + 1;
    return;
  }
  g_figures.user_esr = esr;
  g_figures.user_far = PRISTINE_READ_SYSREG(far_el1);
  g_figures.user_kept = frame.x[19];
  frame.elr = reinterpret_cast<std::uint64_t>(bringup_user_task_ended);
  frame.spsr = 0x3c5;  // EL1h, D A I F masked
}

// The EL0 program in an address space of its own: its code page (EL0 may
// run it, not write it; EL1 may not run it) and a stack page.
void run_user_program() {
  PageTables tables(g_user_tables, 4, physical_of(g_user_tables), kKernelOffset);
  const std::uint64_t root = tables.new_root();
  tables.map_page(root, kUserCode, physical_of(__user_text_start), {.user = true, .user_executable = true});
  tables.map_page(root, kUserStackTop - kPageSize, physical_of(g_user_stack), {.writable = true, .user = true});
  PRISTINE_WRITE_SYSREG(ttbr0_el1, root | (kUserAsid << 48));
  asm volatile("isb\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
  bringup_enter_user(kUserCode, kUserStackTop);
}

bool registers_survive_the_ticks() {
  std::uint64_t changed = 0;
  const volatile std::uint64_t* ticks = &g_figures.ticks;
  asm volatile(
      "mov x9, #0x1009\n mov x10, #0x100a\n mov x11, #0x100b\n mov x12, #0x100c\n"
      "mov x13, #0x100d\n mov x14, #0x100e\n mov x15, #0x100f\n"
      "mov x19, #0x1013\n mov x20, #0x1014\n mov x21, #0x1015\n mov x22, #0x1016\n mov x23, #0x1017\n"
      "mov x24, #0x1018\n mov x25, #0x1019\n mov x26, #0x101a\n mov x27, #0x101b\n mov x28, #0x101c\n"
      "1: ldr x16, [%[ticks]]\n cmp x16, %[total]\n b.hs 2f\n wfi\n b 1b\n"
      "2: mov %[changed], #0\n"
      "mov x16, #0x1009\n eor x17, x9, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100a\n eor x17, x10, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100b\n eor x17, x11, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100c\n eor x17, x12, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100d\n eor x17, x13, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100e\n eor x17, x14, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x100f\n eor x17, x15, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1013\n eor x17, x19, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1014\n eor x17, x20, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1015\n eor x17, x21, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1016\n eor x17, x22, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1017\n eor x17, x23, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1018\n eor x17, x24, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x1019\n eor x17, x25, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x101a\n eor x17, x26, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x101b\n eor x17, x27, x16\n orr %[changed], %[changed], x17\n"
      "mov x16, #0x101c\n eor x17, x28, x16\n orr %[changed], %[changed], x17\n"
      : [changed] "=&r"(changed)
      : [ticks] "r"(ticks), [total] "r"(kTicks)
      : "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x19", "x20", "x21", "x22", "x23", "x24",
        "x25", "x26", "x27", "x28", "cc", "memory");
  return changed == 0;
}

std::uint64_t system_call(std::uint64_t number, std::uint64_t argument) {
  register std::uint64_t x8 asm("x8") = number;
  register std::uint64_t x0 asm("x0") = argument;
  asm volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
  return x0;
}

std::uint64_t static_cast_class(std::uint64_t esr) { return static_cast<std::uint64_t>(exception_class(esr)); }

void field(const char* name, std::uint64_t value) {
  console::write(" ");
  console::write(name);
  console::write(" ");
  console::write_dec(value);
}

}  // namespace
}  // namespace pristine::aarch64

using namespace pristine;

// core/'s console writes through the machine interface: the PL011.
void pristine::machine::console_write(const char* text, std::size_t length) { virt::console_write(text, length); }

extern "C" TrapFrame* aarch64_exception(TrapFrame* frame, std::uint64_t entry) {
  switch (static_cast<aarch64::VectorEntry>(entry)) {
    case aarch64::VectorEntry::CurrentSpxIrq:
      aarch64::on_irq();
      return frame;
    case aarch64::VectorEntry::CurrentSpxSync:
      aarch64::on_synchronous(*frame);
      return frame;
    case aarch64::VectorEntry::Lower64Sync:
      aarch64::on_synchronous_from_user(*frame);
      return frame;
    default:
      console::write("unexpected exception entry ");
      console::write_dec(entry);
      console::write("\n");
      virt::exit_with_status(1);
  }
}

extern "C" [[noreturn]] void aarch64_main() {
  aarch64::Figures& f = aarch64::g_figures;
  const std::uint64_t hz = virt::timer_frequency();
  console::write("Pristine aarch64 bring-up: GICv3, virtual timer at ");
  console::write_dec(hz);
  console::write(" Hz, tick 1000 Hz\n");

  const std::uint64_t svc_result = aarch64::system_call(aarch64::kSvcNumber, 41);
  asm volatile("brk #1" ::: "memory");
  aarch64::take_away_guard_page();
  const std::uint8_t guard_value = *static_cast<volatile std::uint8_t*>(aarch64::g_guard_page);
  (void)guard_value;
  aarch64::run_user_program();

  virt::gic_init_distributor();
  virt::gic_init_this_cpu(0);
  virt::gic_enable_private(0, virt::kVirtualTimerIntid);
  f.period = hz / aarch64::kTickHz;
  f.next_deadline = virt::timer_now() + f.period;
  virt::timer_set_deadline(f.next_deadline);
  aarch64::irq_enable();
  const bool registers_kept = aarch64::registers_survive_the_ticks();
  aarch64::irq_disable();

  const std::uint64_t elapsed = f.last_tick_at - f.first_tick_at;
  const bool on_grid = elapsed >= (aarch64::kTicks - 1) * f.period && elapsed < aarch64::kTicks * f.period;
  namespace e = arch::aarch64_exception;
  const std::uint8_t guard_access = arch::exception_access(e::kDataAbort, f.guard_esr);
  const std::uint8_t user_access = arch::exception_access(e::kDataAbort, f.user_esr);
  const bool guard_ok = aarch64::exception_class(f.guard_esr) == aarch64::ExceptionClass::DataAbortSameEl &&
                        f.guard_far == reinterpret_cast<std::uint64_t>(aarch64::g_guard_page) && guard_access == 0;
  const bool user_ok = f.user_svc_number == aarch64::kSvcNumber && f.user_kept == 42 &&
                       aarch64::exception_class(f.user_esr) == aarch64::ExceptionClass::DataAbortLowerEl &&
                       f.user_far == aarch64::kKernelAddressUserReads &&
                       user_access == (access::kProtection | access::kUser);
  const bool pass = guard_ok && user_ok && f.ticks == aarch64::kTicks && f.acknowledged == f.ended && f.ended == aarch64::kTicks &&
                    f.unexpected == 0 && registers_kept && on_grid && svc_result == 42 &&
                    f.svc_number == aarch64::kSvcNumber && f.brk_skipped == 1;
  console::write("aarch64-bringup");
  aarch64::field("ticks", f.ticks);
  aarch64::field("first-to-last", elapsed);
  aarch64::field("period", f.period);
  aarch64::field("acknowledged", f.acknowledged);
  aarch64::field("ended", f.ended);
  aarch64::field("spurious", f.spurious);
  aarch64::field("unexpected", f.unexpected);
  aarch64::field("registers-kept", registers_kept ? 1 : 0);
  aarch64::field("svc-result", svc_result);
  aarch64::field("svc-number", f.svc_number);
  aarch64::field("brk-skipped", f.brk_skipped);
  aarch64::field("guard-class", aarch64::static_cast_class(f.guard_esr));
  aarch64::field("guard-at-page", f.guard_far == reinterpret_cast<std::uint64_t>(aarch64::g_guard_page) ? 1 : 0);
  aarch64::field("guard-access", guard_access);
  aarch64::field("user-svc-number", f.user_svc_number);
  aarch64::field("user-svc-result", f.user_kept);
  aarch64::field("user-fault-class", aarch64::static_cast_class(f.user_esr));
  aarch64::field("user-fault-at-kernel", f.user_far == aarch64::kKernelAddressUserReads ? 1 : 0);
  aarch64::field("user-fault-access", user_access);
  console::write(pass ? "\nverdict pass\n" : "\nverdict fail\n");
  virt::exit_with_status(pass ? 0 : 1);
}
