// The machine interface: everything core/ may ask of the hardware, as free
// functions declared once here and defined by exactly one backend per image
// (hw-x86_64/ for the PC, hw-sim/ for the simulated board; CPU-level ones in
// hw-x86_64/cpu/, shared by both). The choice is made by what the image links:
// no virtual calls, no function pointers. Contract: docs/machine-interface.md.
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/fpu_state.h"
#include "core/types.h"

namespace pristine {

struct TrapFrame;    // the register frame saved on interrupt entry (hw-x86_64/cpu/trap_frame.h)
struct FpuState;     // FPU/SSE state storage of one task (defined below)
struct ExceptionInfo;  // an exception in neutral words (core/interrupt/exception.h)

namespace machine {

// ---- CPU (hw-x86_64/cpu, identical in both images) -----------------------------

// Index of the executing CPU, from per-CPU data. Any context.
CpuId cpu_id();

// Interrupt flag control. Any ring-0 context.
void irq_disable();
void irq_enable();

// Enable interrupts and halt until one arrives, atomically (sti; hlt). Idle only.
void halt_until_interrupt();

// FPU/SIMD state follows a task lazily (docs/fpu.md): it is loaded on the
// task's first FPU instruction after it was switched in, which traps
// (ExceptionKind::FpuUnavailable), and saved when the task is switched out
// only if it was loaded. Interrupts disabled, on the switch path:
// fpu_save_and_trap saves `from` (live on this CPU), leaves clean registers
// behind and makes the next FPU instruction trap; fpu_load, the trap's
// handler, loads `to` and lets FPU instructions run.
void fpu_save_and_trap(FpuState& from);
void fpu_load(const FpuState& to);
// Make `kernel_stack_top` the ring-0 stack for entries from ring 3.
void set_kernel_stack(VirtAddr kernel_stack_top);
// Address space: load a new page-table root (no-op if it is already current).
void switch_address_space(PhysAddr root);

// A kernel thread's wait (a driver's bottom half): trap into the kernel,
// which blocks the thread until a wake comes (the wait()/wake() handshake of
// Task::wake_state; a pending wake returns at once). Kernel threads only,
// interrupts enabled.
void kernel_wait();

// Enter a prepared frame (first entry into a task): never returns.
[[noreturn]] void enter_frame(TrapFrame* frame);

// Copy between kernel memory and ring-3 memory, for a system call, at a user
// range the caller has checked (core/syscall/user_access.h). A fault in the
// copy never stops the kernel (core/syscall/user_access_table.h): the result
// is the number of bytes NOT copied, 0 when all were.
std::size_t copy_from_user(void* to, VirtAddr from, std::size_t length);
std::size_t copy_to_user(VirtAddr to, const void* from, std::size_t length);
// Continue `frame` at `ip` instead of its faulting instruction (a user-access fixup).
void resume_at(TrapFrame& frame, VirtAddr ip);
// Make `frame`'s system call return `result` instead (RAX, and its error
// flag: docs/syscalls.md): a blocked IPC call whose peer or deadline decided
// its result after it left its CPU. Hot path; the frame is not running.
void set_syscall_result(TrapFrame& frame, std::int64_t result);

// Drop this CPU's cached translation of the ring-3 `page` (invlpg). Any
// ring-0 context.
void flush_tlb_page(VirtAddr page);
// Drop every ring-3 translation this CPU caches (a CR3 reload: it costs
// about one and a half invlpg, so from two pages on it is the cheaper flush).
void flush_tlb_all();
// Spin-wait hint (pause), for bounded waits on another CPU.
void cpu_relax();
// Stop this CPU for good: interrupts off, halted. Cold path (stop-all, panic).
[[noreturn]] void halt_forever();
// Overflow the running kernel stack on purpose: calls that never return,
// each pushing a return address, until the CPU cannot take the fault on that
// stack (the kernel-stack-overflow kernel thread, docs/faults.md).
[[noreturn]] void overflow_kernel_stack();

// ---- Board (hw-x86_64/pc or hw-sim) ---------------------------------------------

// Acknowledge the interrupt in service on this CPU. Interrupt context, once per
// delivered non-spurious interrupt, never for spurious.
void end_of_interrupt();

// Arm this CPU's one-shot timer to raise vectors::kTimer at absolute time
// `deadline` (in now() units). Replaces any armed deadline. Interrupts disabled.
void timer_arm_oneshot(Cycles deadline);

// Current time in cycles of this CPU's clock. Any context; cheap (rdtsc-like).
Cycles now();

// Tell the device behind `vector` its interrupt was serviced (a level-triggered
// line stays asserted until then). Interrupt context, before the EOI.
void acknowledge_device(Vector vector);

// The 16550 UART of uart0 (core/drivers/uart_registers.h): read or write
// register `reg` (PC: I/O ports from 0x3F8; simulated board: its UART page).
// Any ring-0 context; the driver's top half calls them in the interrupt path.
std::uint8_t uart_read(std::uint8_t reg);
void uart_write(std::uint8_t reg, std::uint8_t value);

// The Intel 82540EM of nic0 (core/drivers/e1000_registers.h): read or write
// the 32-bit register at byte offset `reg` of its memory-mapped register
// space (PC: BAR0, found on the PCI bus at boot; simulated board: its NIC
// pages). Any ring-0 context; the driver's top half reads ICR in the
// interrupt path.
std::uint32_t nic_read(std::uint32_t reg);
void nic_write(std::uint32_t reg, std::uint32_t value);

// Cold path: deliver device line `line` (vector vectors::kDeviceBase + line)
// to CPU `cpu`. PC: the I/O APIC pin of ISA interrupt `line`; simulated
// board: its models raise lines by themselves. Level: re-delivered after the
// EOI while the device still asserts it (a kernel driver whose top half
// leaves work behind); edge: once per rising edge (a line bound by a ring-3
// driver, which the kernel cannot quiet: a level line still asserted would
// come back after every EOI).
enum class LineTrigger : std::uint8_t { Level, Edge };
void enable_device_line(unsigned line, CpuId cpu, LineTrigger trigger);
// Cold path: stop delivering device line `line` (a ring-3 driver gave it back).
void disable_device_line(unsigned line);

// Send interrupt `vector` to CPU `target`. Any ring-0 context, interrupts off.
void send_ipi(CpuId target, Vector vector);
// Send interrupt `vector` to every other running CPU at once (the APIC's
// "all excluding self" shorthand: one write, whatever the CPU count).
void send_ipi_to_others(Vector vector);

// Cold path (boot CPU): start CPU `cpu`. The board brings it to 64-bit ring 0
// with its own descriptor tables, per-CPU data and local timer, then calls
// kernel_secondary_main(cpu) (core/smp/secondary_cpus.h). False if it did not
// respond.
bool start_cpu(CpuId cpu);

// Write bytes to the console. COLD PATH ONLY: boot, shutdown and panic
// reports. Never from interrupt, syscall or context-switch paths.
void console_write(const char* text, std::size_t length);

// Power the machine off with an exit code (0 = pass). Cold path.
[[noreturn]] void power_off(int exit_code);

}  // namespace machine
}  // namespace pristine

namespace pristine {

// Storage for one task's FPU/SSE register state, filled only by the backend;
// its size and alignment are the architecture's (arch/fpu_state.h).
struct alignas(arch::kFpuStateAlignment) FpuState {
  std::uint8_t bytes[arch::kFpuStateSize];
};

namespace machine {

// Build the frame a new task starts from, at the top of its kernel stack
// (cold path: task creation). Ring 3: `entry(arg0, arg1)` on `user_stack`;
// kernel thread: `entry(arg)` on the kernel stack itself.
TrapFrame* prepare_user_frame(VirtAddr kernel_stack_top, VirtAddr entry, VirtAddr user_stack,
                              std::uint64_t arg0, std::uint64_t arg1);
TrapFrame* prepare_kernel_frame(VirtAddr kernel_stack_top, void (*entry)(std::uint64_t),
                                std::uint64_t arg);
// A clean FPU state (after fninit, default MXCSR) for a new task. After the
// boot CPU's cpu_init.
void init_fpu_state(FpuState& state);

// Cold path (fatal kernel faults only): print what the architecture knows of
// the exception beyond its name (x86-64: " rip=… error=… (its bits in words) cr2=…").
void write_exception_details(const ExceptionInfo& info);

// Cold path (fatal kernel faults only): print the saved registers and the
// control registers to the console.
void dump_frame(const TrapFrame& frame);

// ---- Board, cold path ---------------------------------------------------------

// A new ring-3 address space for task `slot`: the shared user program text and
// data, plus [private_start, private_start + private_size) writable, nothing
// else of the user region. Returns its page-table root (both boards build
// real page tables: docs/paging.md).
PhysAddr user_address_space(std::uint32_t slot, VirtAddr private_start, std::uint64_t private_size);

// The address a device's DMA uses for the kernel object at `kernel_object`
// (a static kernel array: a descriptor ring, a packet buffer): its physical
// address (neither board has an IOMMU). Cold path (a driver's start).
PhysAddr dma_address(const void* kernel_object);

// Cold path: make the kernel page at `page` inaccessible (a stack guard page).
void unmap_kernel_page(VirtAddr page);

// Hot path (unmap syscall): remove `page` from the ring-3 address space
// `root`, on this CPU's TLB too; other CPUs' TLBs are the caller's business
// (core/smp/tlb_shootdown.h).
void unmap_user_page(PhysAddr root, VirtAddr page);
// Hot path (wait_child, thread_join collecting a task): the slot's counter
// page zeroed but for its counter word (the reports still read it), through
// the kernel's alias, so every mapping of it sees zeros; if `drop_pages`,
// its stack and heap pages unmapped from `root` without a flush (a slot is
// reused only once no CPU has `root` loaded: sched, "Task slots").
void scrub_user_slot(PhysAddr root, VirtAddr private_start, VirtAddr counter, bool drop_pages);
// Hot path (spawn, thread_create reusing a scrubbed slot): its counter word 0.
void reset_user_counter(VirtAddr counter);
// Hot path (memory_free): the same for `count` consecutive pages from
// `first`, flushed with one invlpg (one page) or flush_tlb_all (more).
void unmap_user_pages(PhysAddr root, VirtAddr first, std::uint32_t count);

// Hot path (protect syscall): make the mapped page `page` of the ring-3
// address space `root` read-only or writable again, on this CPU's TLB too;
// other CPUs' TLBs are the caller's business. False if `page` is not mapped
// there (the caller maps it first).
bool protect_user_page(PhysAddr root, VirtAddr page, bool writable);

// Hot path (page fault): map the zeroed page at `page` in the ring-3 address
// space `root` (its private region only). False if the board cannot. On the
// simulated board memory is always there and this only returns true.
bool map_user_page(PhysAddr root, VirtAddr page);

}  // namespace machine
}  // namespace pristine
