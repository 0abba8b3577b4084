// Everything the simulator tracks for one virtual CPU while it runs: the
// engine, its interrupt controller, modeled time, the board timer, and the
// state the hooks hand to the run loop. Hooks touch only this struct.
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/block_cache.h"
#include "sim/event_queue.h"
#include "sim/handler_accounting.h"
#include "sim/interrupt_controller.h"
#include "sim/own_time.h"
#include "sim/report.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class BoardBus;

enum class StopReason : std::uint8_t {
  None,
  EventDue,       // modeled time reached the next event
  InterruptOpen,  // an interrupt is pending and IF became 1
  Exception,      // UC_HOOK_INTR fired (fault, trap, int n)
  BadAccess,      // access to unmapped memory
  Syscall,        // the guest executed `syscall`
  SwapgsWindow,   // at the swapgs/iretq window with an NMI armed
  Misaligned,     // an aligned SSE access with a misaligned operand (#GP)
  SysretNonCanonical,  // sysretq in ring 0 to a non-canonical RCX (#GP in ring 0, Intel)
  FpSimdTrap,     // before a block with an FP/SIMD instruction CPACR_EL1 traps (AArch64)
};

struct SimCpu {
  explicit SimCpu(CpuId id) : cpu(id) {
    same_vector.fill(-1);
    level_record.fill(-1);
  }

  GuestCpu cpu;
  InterruptController controller;
  HandlerAccounting accounting;
  OwnTime own_time;  // its cycles outside handlers, per task
  BoardBus* bus = nullptr;  // the rest of the machine, as the board sees it

  // SMP: the boot CPU runs from reset, the others once the guest starts them
  // through the board; a CPU that took stop-all and halted with IF = 0 is done.
  bool started = false;
  bool stopped = false;
  bool took_stop_all = false;
  Cycles started_at = 0;  // when it began running
  EventQueue events;  // this CPU's timeline: its device sources, IPIs to it, faults, re-raises
  // Put `e` on the timeline. One due before the planned stop (a device timer
  // a register write arms, an IPI to this CPU itself: both inside a run)
  // moves the stop up to it; outside a run, run_cpu plans the stop anew.
  void schedule(const Event& e) {
    events.push(e);
    stop_at = std::min(stop_at, e.time);
  }
  // IPIs raised here and not yet taken, per vector: their send times, oldest
  // first. Indexed by vector, not a map: an IPI is raised and taken several
  // times per switch, and a cleared vector keeps its capacity (no allocation).
  std::array<std::vector<Cycles>, kVectorCount> ipis_in_flight;

  // Modeled time and work.
  InterruptTotals interrupts;  // raised, delivered and coalesced here
  Cycles cycles = 0;
  std::uint64_t instructions = 0;
  Cycles idle_cycles = 0;

  // Run-loop control, set by the hooks.
  Cycles stop_at = 0;             // stop at the first block boundary at or after this
  bool poll_interrupt_flag = false;  // an interrupt waits for IF = 1: check each block
  // IF read 0 in this run, and no block since could set it (kBlockMayOpenInterrupts):
  // the poll need not read RFLAGS again.
  bool interrupt_flag_closed = false;
  StopReason stop = StopReason::None;
  VirtAddr stopped_block = 0;     // the block a block-hook stop happened before
  bool iret_pending = false;      // the last block ended in iretq and has not faulted
  std::uint32_t last_block_flags = 0;
  // The block running now (the address its hook was given): a hook inside it
  // (a register access, a refused access) reads this, not RIP, which in a
  // block the engine chained to the one before still holds what that one left.
  VirtAddr block = 0;
  ArchRunState arch;  // what only this architecture keeps (sim/guest_arch.h)
  bool halted = false;
  std::optional<std::uint32_t> exception;  // intno from UC_HOOK_INTR
  VirtAddr bad_address = 0;
  std::uint64_t bad_access_span = 1;  // 1: bad_address is the byte; 4096: its page (all a TLB fill knows)
  VirtAddr bad_access_rip = 0;  // the block the access was made in (sim/x86_64/fault_locator.h)
  bool bad_access_write = false;
  bool bad_access_fetch = false;
  std::uint64_t bad_access_error = 0;  // the #PF error code the MMU reported

  // Fault injection state (sim/fault_injector.cpp). -1: not armed; else the
  // index of the entry in the injected-fault list.
  bool nmi_pending = false;
  bool nmi_blocked = false;    // an NMI is being handled: no other until iretq (SDM 6.7.1)
  int nmi_record = -1;
  int window_nmi = -1;         // armed: deliver an NMI in the next swapgs/iretq window
  int timer_double = -1;
  int timer_late = -1;
  // Each injected late tick: its fault record, when the deadline expired and
  // when the delayed interrupt is due. The ticks it withheld are not expected
  // of the kernel, and one due after the run ended is reported as never raised.
  struct LateTick {
    int record;
    Cycles expired;
    Cycles due;
  };
  std::vector<LateTick> late_ticks;
  std::array<int, kVectorCount> same_vector{};  // filled with -1 at construction
  std::array<int, kVectorCount> level_record{};
  std::bitset<kVectorCount> level_asserted;
  std::uint64_t level_reassertions = 0;
  VirtAddr level_storm_rip = 0;
  int open_fault_record = -1;  // fault whose delivery record is open (NMI, spurious)

  // The board's per-CPU devices.
  Cycles timer_deadline = 0;      // 0: disarmed
  Cycles first_timer_deadline = 0;  // the first deadline the guest armed (tick phase)
  Vector timer_vector = 0;
  std::uint64_t write_latch = 0;  // low half of a 64-bit register write
  bool exit_requested = false;
  std::int64_t exit_code = 0;
  std::uint64_t eoi_count = 0;
  std::uint64_t eoi_without_service = 0;
  std::uint64_t eoi_outside_handler = 0;
};

// Raise `vector` at the CPU's interrupt controller, counted; false if it
// coalesced with one already pending.
inline bool raise_interrupt(SimCpu& c, Vector vector) {
  ++c.interrupts.injected;
  if (c.controller.raise(vector)) return true;
  ++c.interrupts.coalesced;
  return false;
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
