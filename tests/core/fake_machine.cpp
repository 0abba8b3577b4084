#include "tests/core/fake_machine.h"

#include <cstring>
#include <stdexcept>

#include "core/drivers/e1000_registers.h"
#include "core/drivers/uart_registers.h"
#include "core/machine.h"
#include "hw-x86_64/cpu/trap_frame.h"

// The user-region symbols the image's link script and ring-3 programs provide.
extern "C" {
alignas(4096) char __user_start[64 * 1024];
#define PRISTINE_RING3_PROGRAM(enumerator, number, name, entry, end, arg, description) \
  void entry() {}
#define PRISTINE_KERNEL_THREAD(enumerator, number, name, start, description)
#include "core/program_list.def"
#undef PRISTINE_RING3_PROGRAM
#undef PRISTINE_KERNEL_THREAD
alignas(4096) std::uint8_t user_slots[32 * 40960];
}
// The end of the fake user region, as the link script would define it.
asm(".globl __user_end\n.set __user_end, __user_start + 65536");
// Its first half stands for the programs' code (where threads may start).
asm(".globl __user_data_start\n.set __user_data_start, __user_start + 32768");
// An empty user-access table (core/syscall/user_access_table.h): nothing
// native faults, so nothing needs a fixup.
asm(".section .rodata\n.globl __pristine_user_access_start\n.globl __pristine_user_access_end\n"
    ".balign 8\n__pristine_user_access_start:\n__pristine_user_access_end:\n.previous");

namespace pristine {

struct PowerOff : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace fake_machine {

State& state() {
  static State s;
  return s;
}

void reset() { state() = State{}; }

}  // namespace fake_machine

namespace machine {

using fake_machine::state;

CpuId cpu_id() { return state().cpu; }
void irq_disable() {}
void irq_enable() {}
void halt_until_interrupt() {}
void fpu_save_and_trap(FpuState&) { ++state().fpu_saves; }
void fpu_load(const FpuState&) { ++state().fpu_loads; }
void set_kernel_stack(VirtAddr top) { state().kernel_stack = top; }
void switch_address_space(PhysAddr root) { state().address_space = root; }
void enter_frame(TrapFrame*) { throw std::logic_error("enter_frame is not used in host tests"); }
TrapFrame* prepare_user_frame(VirtAddr kernel_stack_top, VirtAddr entry, VirtAddr user_stack,
                              std::uint64_t arg0, std::uint64_t arg1) {
  auto* frame = reinterpret_cast<TrapFrame*>(kernel_stack_top - sizeof(TrapFrame));
  std::memset(frame, 0, sizeof *frame);
  frame->rip = entry;
  frame->rsp = user_stack;
  frame->rdi = arg0;
  frame->rsi = arg1;
  frame->cs = 0x23;
  return frame;
}
TrapFrame* prepare_kernel_frame(VirtAddr kernel_stack_top, void (*entry)(std::uint64_t), std::uint64_t arg) {
  auto* frame = reinterpret_cast<TrapFrame*>(kernel_stack_top - sizeof(TrapFrame));
  std::memset(frame, 0, sizeof *frame);
  frame->rip = reinterpret_cast<std::uint64_t>(entry);
  frame->rdi = arg;
  frame->cs = 0x08;
  return frame;
}
void init_fpu_state(FpuState& s) { std::memset(&s, 0, sizeof s); }
void write_exception_details(const ExceptionInfo&) { state().console += "<exception details>"; }
void dump_frame(const TrapFrame&) { state().console += "<registers>"; }
PhysAddr user_address_space(std::uint32_t slot, VirtAddr, std::uint64_t) { return 0x1000 * (slot + 1); }
void end_of_interrupt() { ++state().eoi_count; }
void acknowledge_device(Vector) {}
std::uint8_t uart_read(std::uint8_t reg) {
  auto& st = state();
  if (reg == uart::kLineStatus) {
    std::uint8_t status = uart::kTransmitHoldingEmpty | uart::kTransmitterEmpty;
    if (!st.uart_fifo.empty()) status |= uart::kDataReady;
    if (st.uart_overrun) status |= uart::kOverrunError;
    st.uart_overrun = false;  // reading LSR clears its error bits
    return status;
  }
  if (reg == uart::kData && !st.uart_fifo.empty()) {
    const std::uint8_t byte = st.uart_fifo.front();
    st.uart_fifo.pop_front();
    return byte;
  }
  return 0;
}
void uart_write(std::uint8_t reg, std::uint8_t value) { state().uart_writes.emplace_back(reg, value); }
std::uint32_t nic_read(std::uint32_t reg) {
  auto& st = state();
  const std::uint32_t value = st.nic_registers[reg];
  if (reg == e1000::kIcr) st.nic_registers[reg] = 0;  // reading ICR clears it
  return value;
}
void nic_write(std::uint32_t reg, std::uint32_t value) {
  auto& st = state();
  st.nic_writes.emplace_back(reg, value);
  st.nic_registers[reg] = value;
}
// Host memory stands for physical memory: a test plays the device through the pointers.
PhysAddr dma_address(const void* object) { return reinterpret_cast<std::uint64_t>(object); }
void enable_device_line(unsigned line, CpuId cpu, LineTrigger) { state().lines_enabled.emplace_back(line, cpu); }
void disable_device_line(unsigned line) { state().lines_disabled.push_back(line); }
void kernel_wait() { ++state().kernel_waits; }
bool map_user_page(PhysAddr, VirtAddr) { return true; }
bool protect_user_page(PhysAddr, VirtAddr, bool) { return true; }
// The user region here is plain host memory (__user_start above): a copy
// never faults.
std::size_t copy_from_user(void* to, VirtAddr from, std::size_t length) {
  std::memcpy(to, pointer_to<const void>(from), length);
  return 0;
}
std::size_t copy_to_user(VirtAddr to, const void* from, std::size_t length) {
  std::memcpy(pointer_to<void>(to), from, length);
  return 0;
}
void resume_at(TrapFrame&, VirtAddr) {}
void set_syscall_result(TrapFrame& frame, std::int64_t result) {
  frame.rax = static_cast<std::uint64_t>(result);
  frame.rflags = (frame.rflags & ~std::uint64_t{1}) | (result < 0 && result >= kSyscallFirstError ? 1 : 0);
}
void unmap_kernel_page(VirtAddr) {}
void timer_arm_oneshot(Cycles deadline) { state().armed_deadline = deadline; }
Cycles now() { return state().now; }
void send_ipi(CpuId target, Vector vector) { state().ipis.emplace_back(target, vector); }
void send_ipi_to_others(Vector vector) { state().ipis.emplace_back(fake_machine::kAllOthers, vector); }
bool start_cpu(CpuId) { return false; }
void flush_tlb_page(VirtAddr page) { state().flushes.emplace_back(state().cpu, page); }
void cpu_relax() {
  if (state().on_relax) state().on_relax();
}
void halt_forever() { throw std::logic_error("halt_forever"); }
void unmap_user_page(PhysAddr, VirtAddr page) { state().unmapped.push_back(page); }
void unmap_user_pages(PhysAddr, VirtAddr first, std::uint32_t count) {
  for (std::uint32_t i = 0; i < count; ++i) state().unmapped.push_back(first + i * 4096);
}
void scrub_user_slot(PhysAddr root, VirtAddr private_start, VirtAddr, bool drop_pages) {
  state().recycled.push_back({root, private_start, drop_pages});
}
void reset_user_counter(VirtAddr counter) { state().counters_reset.push_back(counter); }
void flush_tlb_all() { state().flushes.emplace_back(state().cpu, ~VirtAddr{0}); }
void console_write(const char* text, std::size_t length) { state().console.append(text, length); }
void power_off(int code) {
  state().power_off_code = code;
  throw PowerOff("power_off");
}

}  // namespace machine
}  // namespace pristine
