// The board half of the machine interface (core/machine.h) on QEMU's `virt`
// board: the GICv3, the generic timer, the PL011 console, the semihosting
// exit. It has no 16550 (uart0) and no e1000 (nic0): the boot never starts
// their drivers here (hw-aarch64/virt/board_init.cpp), and their registers
// read as an empty bus does.
#include <cstdint>

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/machine.h"
#include "core/qemu_exit_status.h"
#include "core/sched/task.h"
#include "hw-aarch64/cpu/cycle_counter.h"
#include "hw-aarch64/cpu/interrupt_controller.h"
#include "hw-aarch64/cpu/mmu_setup.h"
#include "hw-aarch64/virt/board_layout.h"
#include "hw-aarch64/virt/generic_timer.h"
#include "hw-aarch64/virt/gicv3.h"
#include "hw-aarch64/virt/pl011.h"
#include "hw-aarch64/virt/psci.h"
#include "hw-aarch64/virt/semihosting.h"

extern "C" char pristine_secondary_entry[];

namespace pristine {
namespace {

// The INTIDs of core/'s vectors: the IPIs are SGIs 0-2 (in the order of
// their vectors), the devices' lines SPIs from 32.
constexpr std::uint32_t kFirstSpi = 32;
constexpr std::uint32_t sgi_of(Vector v) { return static_cast<std::uint32_t>(v - vectors::kIpiReschedule); }
static_assert(vectors::kIpiTlbShootdown == vectors::kIpiReschedule + 1 &&
              vectors::kIpiStopAll == vectors::kIpiReschedule + 2);

// The interrupts in service on each CPU, innermost last: end_of_interrupt
// ends the one the CPU acknowledged last (core/ calls it without a name).
struct InService {
  std::uint32_t intid[4];
  std::uint32_t depth;
};
InService g_in_service[kMaxCpus];

}  // namespace

PRISTINE_HOT Vector aarch64::acknowledge_interrupt() {
  const std::uint32_t intid = virt::gic_acknowledge();
  if (intid == virt::kSpuriousIntid) return vectors::kSpurious;
  Vector vector;
  if (intid == virt::kVirtualTimerIntid) {
    vector = vectors::kTimer;
  } else if (intid <= sgi_of(vectors::kIpiStopAll)) {
    vector = static_cast<Vector>(vectors::kIpiReschedule + intid);
  } else if (intid >= kFirstSpi && intid < kFirstSpi + vectors::kDeviceLines) {
    vector = static_cast<Vector>(vectors::kDeviceBase + (intid - kFirstSpi));
  } else {
    virt::gic_end_of_interrupt(intid);  // nobody's: ended here, seen as spurious
    return vectors::kSpurious;
  }
  InService& s = g_in_service[machine::cpu_id()];
  if (s.depth < 4) s.intid[s.depth++] = intid;
  return vector;
}

namespace machine {

PRISTINE_HOT void end_of_interrupt() {
  InService& s = g_in_service[cpu_id()];
  if (s.depth == 0) return;
  virt::gic_end_of_interrupt(s.intid[--s.depth]);
}

// The clock is the cycle counter, the timer counts in its own units: a
// deadline is converted with the boot's 32.32 fixed-point ratio
// (virt::g_timer_ticks_per_cycle, rounded up) plus one tick, so the tick
// never comes before it; a multiply, no division on the path.
PRISTINE_HOT void timer_arm_oneshot(Cycles deadline) {
  const std::uint64_t cycles_now = aarch64::cycle_counter();
  const std::uint64_t timer_now = virt::timer_now();
  const std::uint64_t ahead = deadline > cycles_now ? deadline - cycles_now : 0;
  const auto ticks =
      static_cast<std::uint64_t>((static_cast<unsigned __int128>(ahead) * virt::g_timer_ticks_per_cycle) >> 32);
  virt::timer_set_deadline(timer_now + ticks + 1);
}

PRISTINE_HOT Cycles now() { return Cycles{aarch64::cycle_counter()}; }

// No device model on this board tells its line apart: nothing to tell.
PRISTINE_HOT void acknowledge_device(Vector) {}

std::uint8_t uart_read(std::uint8_t) { return 0xff; }
void uart_write(std::uint8_t, std::uint8_t) {}
std::uint32_t nic_read(std::uint32_t) { return 0xffff'ffff; }
void nic_write(std::uint32_t, std::uint32_t) {}

void enable_device_line(unsigned line, CpuId cpu, LineTrigger trigger) {
  virt::gic_enable_shared(kFirstSpi + line, cpu, trigger == LineTrigger::Edge);
}

void disable_device_line(unsigned line) { virt::gic_disable_shared(kFirstSpi + line); }

PRISTINE_HOT void send_ipi(CpuId target, Vector vector) { virt::gic_send_sgi(sgi_of(vector), target); }

PRISTINE_HOT void send_ipi_to_others(Vector vector) { virt::gic_send_sgi_to_others(sgi_of(vector)); }

// PSCI CPU_ON at the physical address of cpu/secondary_entry.S, the CPU's
// number as its context; it joins core/ in kernel_secondary_main.
bool start_cpu(CpuId cpu) {
  return virt::psci_cpu_on(cpu, aarch64::physical_of(pristine_secondary_entry), cpu) == 0;
}

void console_write(const char* text, std::size_t length) { virt::console_write(text, length); }

// QEMU's exit status says the verdict as the PC's does (core/qemu_exit_status.h).
void power_off(int exit_code) {
  virt::exit_with_status(static_cast<std::uint32_t>(qemu_exit::status_of_value(qemu_exit::value_of_code(exit_code))));
}

}  // namespace machine
}  // namespace pristine
