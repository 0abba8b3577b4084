// The run loop's x86-64 steps (sim/simulator.h: the members defined per
// architecture): Unicorn's hooks on an x86-64 CPU, the block hook and its
// flags (iretq and sysretq close records, sti's shadow, fast strings), the
// stops an x86-64 run ends in (an exception, a refused access, `syscall`,
// the swapgs window, a misaligned SSE move, a sysretq to a non-canonical
// address) and the entries they make: #PF with CR2 at the faulting
// instruction, SYSCALL performed host-side, the NMI.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/hot_path.h"
#include "hw-sim/board_registers.h"
#include "sim/simulator.h"
#include "sim/x86_64/page_walk.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

// A refused TLB fill knows only the page.
constexpr std::uint64_t kTlbFillSpan = 0x1000;

void interrupt_hook(uc_engine* uc, std::uint32_t intno, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->exception = intno;
  cpu->iret_pending = false;  // a fault inside the iretq block: the return did not happen
  cpu->stop = StopReason::Exception;
  uc_emu_stop(uc);
}

// An access the engine cannot make: outside guest memory (this hook) or one
// the MMU refuses (the engine's TLB fill: the guest's page tables, or a page
// the fault injector took away). The engine stops with an error; the run loop
// delivers #PF with the MMU's error code.
void note_bad_access(SimCpu* cpu, VirtAddr address, std::uint64_t span, VirtAddr block, bool write, bool fetch,
                     std::uint64_t error_code) {
  cpu->bad_address = address;
  cpu->bad_access_span = span;
  cpu->bad_access_rip = block;
  cpu->bad_access_write = write;
  cpu->bad_access_fetch = fetch;
  cpu->bad_access_error = error_code;
  cpu->iret_pending = false;
  cpu->stop = StopReason::BadAccess;
}

// Outside guest memory: what a not-present page would be.
bool bad_access_hook(uc_engine*, uc_mem_type type, std::uint64_t address, int, std::int64_t,
                     void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  const bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
  const bool fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
  // The engine stops after the block: the locator starts from its start.
  note_bad_access(cpu, address, 1, cpu->block, write, fetch,
                  page_fault_error_code(write, fetch, cpu->cpu.user_mode()));
  return false;  // let uc_emu_start fail
}

// A refused fill stops the engine with RIP put back on the faulting
// instruction (read here, RIP is stale: the start of an earlier block when
// blocks chain), so take_page_fault reads it once the engine stopped.
void unreachable_page(void* user, VirtAddr page, bool write, bool fetch, std::uint64_t error_code) {
  note_bad_access(static_cast<SimCpu*>(user), page, kTlbFillSpan, 0, write, fetch, error_code);
}

// Unicorn does not execute `syscall`: it calls this hook and skips the
// instruction. Stop there (RIP is then the next instruction) and perform the
// entry host-side (sim/x86_64/syscall_emulation.h).
void syscall_hook(uc_engine* uc, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->stop = StopReason::Syscall;
  uc_emu_stop(uc);
}

}  // namespace

void Simulator::install_hooks(SimCpu& cpu) {
  uc_engine* uc = cpu.cpu.uc();
  check(uc_mem_map_ptr(uc, sim_board::kClockPagePhysicalBase, sim_board::kClockPageSize, UC_PROT_READ,
                       arch_.clock_reads.page()),
        "uc_mem_map_ptr(clock page)");
  uc_hook hook;
  cpu.cpu.on_unreachable(unreachable_page, &cpu);
  cpu.cpu.reports_blocks();  // on_block: GuestCpu::block_ahead
  check(uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(interrupt_hook), &cpu, 1, 0), "hook intr");
  check(uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(bad_access_hook), &cpu, 1, 0),
        "hook mem");
  cpu.cpu.hook_system_call(syscall_hook, &cpu);
  SimCpu* raw = &cpu;
  arch_.alignment_checks.install(cpu.cpu, [raw](VirtAddr) {
    raw->stop = StopReason::Misaligned;
    uc_emu_stop(raw->cpu.uc());
  });
  arch_.syscalls.install(cpu.cpu, [raw] {
    raw->stop = StopReason::SysretNonCanonical;
    uc_emu_stop(raw->cpu.uc());
  });
  arch_.invlpg_hooks.install(cpu.cpu, [this, raw](VirtAddr page) { page_flushed(*raw, page); });
}

// The kernel's ring-0 return (hw-x86_64/cpu/interrupt_entry.S) is popfq,
// then ret: its ret closes the interrupt's record as an iretq does (the
// block after it resumed the interrupted context), and the block that ends
// with its popfq holds interrupts off until the ret ran, as iretq's single
// instruction does. QEMU ends a block at every popf, so the pair is two
// blocks; the simulator delivers at block boundaries, and an interrupt let
// in between them would nest inside the finished path and be counted in it.
// A block that reads the board clock's page is charged the board's read,
// as the kClock register charges it, and the page is set before it runs.
void Simulator::arch_price(VirtAddr address, std::uint32_t size, BlockCost& cost) const {
  if (const std::uint32_t reads = arch_.clock_reads.reads_in(address, size); reads != 0) {
    cost.cycles += reads * costs_.table().events().board.board_clock_read;
    cost.flags |= kBlockReadsClock;
  }
  const VirtAddr ret = arch_.kernel_return;
  if (ret == 0) return;
  if (ret >= address && ret < address + size) cost.flags |= kBlockEndsWithIret | kBlockReturnsWithinKernel;
  if (address + size == ret) cost.flags |= kBlockEndsWithSti;
}

// The CPU's count, charged with the read (arch_price), as the kClock
// register returns it (sim/sim_board.cpp), and what a read there tells.
void Simulator::clock_read_ahead(SimCpu& c) {
  arch_.clock_reads.set(c.cycles);
  c.accounting.note_clock_read(c.instructions, c.cycles);
  if (c.bus) c.bus->clock_read(c);
}

// What makes a block more than a sum: something to do before it (the block
// after an iretq or sysretq, a watched one, one after a block that changed
// what the MMU or the system registers depend on, one that may change the
// FPU's registers unseen), or after it (a fast string, forbidden code, a
// block that may open interrupts or change them, one with a forbidden
// instruction, reported at each CPU's first sight). And a block that reads the
// board clock's page (Simulator::kBlockReadsClock): the page is set first.
constexpr std::uint32_t kBlockNeedsRunLoop = kBlockEndsWithIret | kBlockEndsWithSysret | kBlockWatched |
                                             kBlockChangesMmu | kBlockChangesSystem | kBlockEndsWithFastString |
                                             kBlockForbidden | kBlockMayOpenInterrupts | kBlockMayChangeFpu |
                                             kForbiddenInstructionFlags | Simulator::kBlockReadsClock;

// Once per executed block (about 40 per delivered interrupt), so the common
// block costs a cache lookup, two tests and two additions, with no call:
// anything else goes to on_block_in_full.
void Simulator::on_block(uc_engine*, std::uint64_t address, std::uint32_t size, void* hook) {
  Simulator& self = *static_cast<const BlockHook*>(hook)->simulator;
  SimCpu& c = *static_cast<const BlockHook*>(hook)->cpu;
  c.block = address;
  const BlockCost* cost = self.blocks_.find(address, size);
  if (PRISTINE_LIKELY(cost && c.cycles < c.stop_at && !(c.poll_interrupt_flag && !c.interrupt_flag_closed))) {
    const std::uint32_t acts = (cost->flags | c.last_block_flags) & kBlockNeedsRunLoop;
    if (PRISTINE_LIKELY(acts == 0)) {
      c.cycles += cost->cycles;
      c.instructions += cost->instructions;
      c.last_block_flags = cost->flags;
      return;
    }
    // A fast string's next iteration is common too (the engine runs each
    // iteration of a rep movs / rep stos as a block: 512 for a page).
    if (acts == kBlockEndsWithFastString && (cost->flags & kBlockEndsWithFastString)) {
      return self.fast_string_block(c, address, *cost);
    }
  }
  self.on_block_in_full(c, address, size, cost);
}

// on_block's common case for a block that ends with a fast string (out of
// line: the common block's path stays a leaf).
[[gnu::noinline]] void Simulator::fast_string_block(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  c.cycles += cost.cycles + costs_.table().fast_string_cycles(c.arch.fast_string, address + cost.last_insn_offset,
                                                              (c.last_block_flags & kBlockEndsWithFastString) != 0,
                                                              cost.fast_string_bytes);
  c.instructions += cost.instructions;
  c.last_block_flags = cost.flags;
  if ((cost.flags & kBlockFastStringPlain) && cost.last_insn_offset == 0) fast_string_burst(c, cost);
}

// The engine runs a rep movs / rep stos one iteration per block, each through
// on_block: 512 for a page of rep stosq. At an iteration of a rep that is its
// block's only instruction (its registers are the iteration's), the
// iterations that would follow it in the same pages of RDI (and RSI) are done
// here at once, as many as would start before a stop comes due
// (c.stop_at: nothing else stops the engine between them). They are charged
// as their blocks would have been (CostTable::fast_string_run), their bytes
// stored in guest RAM, RCX, RDI (and RSI) moved past them; then the engine
// runs this block's iteration at the last of them. An access that would
// fault, a step down (DF), an overlap or MMIO is left to the engine, one
// iteration at a time.
void Simulator::fast_string_burst(SimCpu& c, const BlockCost& cost) {
  if (c.cycles >= c.stop_at) return;
  const std::uint32_t size = cost.fast_string_bytes;
  const bool moves = (cost.flags & kBlockFastStringMoves) != 0;
  // RSI for a movs; RAX, the pattern, for a stos.
  std::uint64_t rcx = 0, rdi = 0, rflags = 0, rsi_or_rax = 0;
  const int ids[] = {UC_X86_REG_RCX, UC_X86_REG_RDI, UC_X86_REG_RFLAGS, moves ? UC_X86_REG_RSI : UC_X86_REG_RAX};
  void* const values[] = {&rcx, &rdi, &rflags, &rsi_or_rax};
  c.cpu.read_registers(ids, values, 4);
  const std::uint64_t rsi = moves ? rsi_or_rax : 0, rax = moves ? 0 : rsi_or_rax;
  if (rcx < 2 || (rflags & x86::kRflagsDirection)) return;
  // Iterations at RDI (and RSI) within their pages, leaving the engine one.
  std::uint64_t most = std::min<std::uint64_t>(rcx - 1, (4096 - (rdi & 0xFFF)) / size);
  if (moves) most = std::min<std::uint64_t>(most, (4096 - (rsi & 0xFFF)) / size);
  // The most that start before the stop: iteration k (from 1) starts after
  // the k - 1 before it were charged.
  const CostTable& table = costs_.table();
  auto charge = [&](std::uint64_t k) {
    FastStringMeter meter = c.arch.fast_string;  // a trial: the meter moves once the burst is done
    return k * cost.cycles + table.fast_string_run(meter, k, size);
  };
  const Cycles room = c.stop_at - c.cycles;
  std::uint64_t low = 0, high = most;  // low qualifies; find the last that does
  while (low < high) {
    const std::uint64_t mid = low + (high - low + 1) / 2;
    if (charge(mid - 1) < room) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  const std::uint64_t count = low;
  if (count == 0) return;
  const std::uint64_t bytes = count * size;
  std::uint8_t* to = c.cpu.reachable_bytes(rdi, bytes, true);
  if (!to) return;
  if (moves) {
    const std::uint8_t* from = c.cpu.reachable_bytes(rsi, bytes, false);
    if (!from || (from < to + bytes && to < from + bytes)) return;
    std::memcpy(to, from, bytes);
  } else if (size == 1 || rax == 0) {
    std::memset(to, static_cast<int>(rax & 0xFF), bytes);
  } else {
    for (std::uint64_t i = 0; i < bytes; i += size) std::memcpy(to + i, &rax, size);
  }
  const int moved_ids[] = {UC_X86_REG_RCX, UC_X86_REG_RDI, UC_X86_REG_RSI};
  const std::uint64_t moved[] = {rcx - count, rdi + bytes, rsi + bytes};
  c.cpu.set_general_registers_in_run(moved_ids, moved, moves ? 3 : 2);
  c.cycles += count * cost.cycles + table.fast_string_run(c.arch.fast_string, count, size);
  c.instructions += count * cost.instructions;
}

// Every case, top to bottom with everything rare out of line.
void Simulator::on_block_in_full(SimCpu& c, VirtAddr address, std::uint32_t size, const BlockCost* cost) {
  if (PRISTINE_UNLIKELY(c.iret_pending)) returned(c);
  // sti / mov ss hold off interrupts for one instruction: never stop right after one.
  if (PRISTINE_UNLIKELY(c.cycles >= c.stop_at || (c.poll_interrupt_flag && !c.interrupt_flag_closed)) &&
      !(c.last_block_flags & kBlockEndsWithSti) && stop_due(c, address)) {
    return;
  }
  if (PRISTINE_UNLIKELY(!cost)) {
    cost = &price_block(c, address, size);
  } else if (PRISTINE_UNLIKELY(cost->flags & kForbiddenInstructionFlags)) {
    first_sight_of_forbidden(c, address, size, *cost);
  }
  if (PRISTINE_UNLIKELY((cost->flags | c.last_block_flags) & (kBlockChangesMmu | kBlockChangesSystem))) {
    c.cpu.block_ahead((cost->flags & kBlockChangesMmu) != 0, cost->system_writes);
  }
  if (PRISTINE_UNLIKELY(cost->flags & kBlockMayChangeFpu)) c.cpu.fpu_may_change();
  if (PRISTINE_UNLIKELY(cost->flags & kBlockWatched) && at_watched_block(c, address)) return;
  c.cycles += cost->cycles;
  c.instructions += cost->instructions;
  if (cost->flags & kBlockReadsClock) clock_read_ahead(c);
  if (PRISTINE_UNLIKELY(cost->flags & (kBlockEndsWithFastString | kBlockForbidden))) charge_rare(c, address, *cost);
  c.iret_pending = (cost->flags & (kBlockEndsWithIret | kBlockEndsWithSysret)) != 0;
  if (cost->flags & kBlockMayOpenInterrupts) c.interrupt_flag_closed = false;
  c.last_block_flags = cost->flags & ~kBlockReadsClock;  // the block after it has nothing to do for it
}

// A fast-string iteration's bytes, or a forbidden block inside a handler.
void Simulator::charge_rare(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  if (cost.flags & kBlockEndsWithFastString) {
    c.cycles += costs_.table().fast_string_cycles(c.arch.fast_string, address + cost.last_insn_offset,
                                                  (c.last_block_flags & kBlockEndsWithFastString) != 0,
                                                  cost.fast_string_bytes);
  }
  if (cost.flags & kBlockForbidden) flag_forbidden(c, address, cost);
}

// `int $0x80` from ring 3 is a system call (the second entry to the same
// calls, docs/syscalls.md): measured as the call its RAX names.
PathId Simulator::exception_path(const SimCpu& c, const DeliveryRequest& request) const {
  if (request.kind == DeliveryKind::Software && request.vector == vectors::kSyscallGate && c.cpu.user_mode()) {
    return syscall_path(syscall_number(c.cpu));
  }
  return vector_path(request.vector);
}

// NMIs ignore IF and the controller (the fault injector arms them).
bool Simulator::try_deliver_nmi(SimCpu& c) {
  if (!faults_.take_nmi(c)) return false;
  DeliveryOutcome out;
  if (!enter_handler(c, vector_path(vectors::kNmi), {.vector = vectors::kNmi, .kind = DeliveryKind::External}, out)) {
    return false;
  }
  c.halted = false;
  return true;
}

void Simulator::take_syscall(SimCpu& c) {
  if (!SyscallEmulation::enabled(c.cpu)) {
    deliver_exception(c, {vectors::kInvalidOpcode, DeliveryKind::Exception, 0});
    return;
  }
  // The entry reads the whole state (SyscallEmulation::enter): read first,
  // it serves RAX, RDI and the MSRs below too.
  c.cpu.state();
  const PathId path = syscall_path(SyscallEmulation::number(c.cpu));
  profiles_.call_entered(c.cpu.id(), current_task(c), syscall_number(c.cpu), syscall_argument(c.cpu), c.cycles,
                         c.instructions);
  c.accounting.open(path, c.cycles, c.instructions, switches(c));
  if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->span_begin(c.cpu.id(), c.cycles, path);
  note_context(c);
  if (c.cpu.user_mode()) checker_.leave_user(c.cpu, current_task(c), path, c.cycles, c.instructions);
  SyscallEmulation::enter(c.cpu);
  c.cycles += costs_.table().events().syscall_entry;
  c.last_block_flags = 0;
}

// An access the MMU refused: deliver #PF (SDM 4.7) with its error code at the
// faulting instruction (the engine reports only its block).
void Simulator::take_page_fault(SimCpu& c) {
  const std::uint64_t error = c.bad_access_error;
  // Where the locator starts: the faulting instruction itself after a
  // refused TLB fill, else the block the access was made in.
  if (c.bad_access_span == kTlbFillSpan) c.bad_access_rip = c.cpu.pc();
  // CR2: the byte that faulted. A fetch from a page the block starts in
  // faults at the block start, one from a page it runs into at the page.
  VirtAddr address = c.bad_access_fetch ? std::max(c.bad_address, c.bad_access_rip) : c.bad_address;
  if (const std::uint8_t* code = memory_.host(c.bad_access_rip, 1); code && !c.bad_access_fetch) {
    const std::uint64_t available = std::min<std::uint64_t>(64, memory_.contiguous_from(c.bad_access_rip));
    if (auto located = arch_.fault_locator.locate({code, available}, c.bad_access_rip, c.bad_address, c.bad_access_span,
                                             c.cpu)) {
      c.cpu.set_pc(located->rip);
      address = located->address;
    }
  }
  c.cpu.set_fault_address(address);
  const bool injected = faults_.hits_injected_page(address);
  const VirtAddr faulting_rip = c.cpu.pc();
  deliver_exception(c, {vectors::kPageFault, DeliveryKind::Exception, error});
  if (injected) faults_.page_touched(faulting_rip);
}

void Simulator::run_guest(SimCpu& c) {
  c.stop = StopReason::None;
  c.exception.reset();
  c.interrupt_flag_closed = false;  // the host may have changed RFLAGS at the stop
  const uc_err err = c.cpu.run(c.cpu.pc());
  if (c.stop == StopReason::EventDue || c.stop == StopReason::InterruptOpen || c.stop == StopReason::SwapgsWindow) {
    c.cpu.set_pc(c.stopped_block);
  }
  switch (c.stop) {
    case StopReason::EventDue:
    case StopReason::InterruptOpen:
      // Re-capture the ring-0 template whenever the guest changed its mode
      // (CR0/CR4/EFER), at a stop in ring 0 (see GuestCpu::template_is_current).
      // The template first: it is nearly always current, and its registers
      // are often kept, where CS would cost the stop's register read.
      if (!c.cpu.template_is_current() && c.cpu.cpl() == 0) c.cpu.capture_ring0_template();
      return;
    case StopReason::Exception: {
      const std::uint32_t intno = *c.exception;
      // int n / int3 arrive with RIP after the instruction; the rest are CPU faults.
      const bool software = intno >= vectors::kExceptionCount || intno == vectors::kBreakpoint;
      deliver_exception(c, {static_cast<Vector>(intno), software ? DeliveryKind::Software : DeliveryKind::Exception, 0});
      return;
    }
    case StopReason::BadAccess:
      take_page_fault(c);
      return;
    case StopReason::Syscall:
      take_syscall(c);
      return;
    case StopReason::SwapgsWindow:
      faults_.at_swapgs_window(c);
      try_deliver_nmi(c);
      return;
    case StopReason::Misaligned:
    case StopReason::SysretNonCanonical:
      // RIP is the instruction (the hook runs before it): #GP(0) as on the CPU.
      deliver_exception(c, {vectors::kGeneralProtection, DeliveryKind::Exception, 0});
      return;
    case StopReason::None:
    case StopReason::FpSimdTrap:  // AArch64's (x86-64's FPU traps are Unicorn's #NM)
      break;
  }
  if (err == UC_ERR_INSN_INVALID) {
    deliver_exception(c, {vectors::kInvalidOpcode, DeliveryKind::Exception, 0});
    return;
  }
  if (err != UC_ERR_OK) {
    fail(c, "emulation-error", fmt::format("Unicorn stopped: {}", uc_strerror(err)));
    return;
  }
  if (c.last_block_flags & kBlockEndsWithHlt) {
    c.halted = true;
    return;
  }
  if (!c.exit_requested) fail(c, "emulation-error", "the engine stopped for no known reason");
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
