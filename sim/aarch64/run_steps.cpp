// The run loop's AArch64 steps (sim/simulator.h: the members defined per
// architecture; the x86-64 twin is sim/x86_64/run_steps.cpp). Unicorn runs
// EL0 and EL1 code and `eret`, but takes no exception itself: an `svc`,
// `brk`, undefined instruction or `wfi` stops it through its interrupt hook,
// a refused access through the TLB fill (sim/aarch64/guest_cpu.h), and the
// run loop takes the exception the CPU would (sim/aarch64/delivery.h). The
// block after an `eret` closes the records it ended; an interrupt pending
// while PSTATE.I is set is taken at the first block after a block that may
// clear it (`msr daifclr`, `msr daif`, `eret`).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "sim/simulator.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

namespace slot = arch::aarch64_exception;
namespace syndrome = aarch64::syndrome;

// QEMU's exception numbers, as Unicorn's interrupt hook reports them
// (EXCP_UDEF, EXCP_SWI, EXCP_DATA_ABORT: an alignment fault, the MMU's own
// faults come from the TLB fill; EXCP_BKPT); `wfi` reports another (EXCP_HLT).
constexpr std::uint32_t kExceptionUndefined = 1, kExceptionSvc = 2, kExceptionDataAbort = 4,
                        kExceptionBreakpoint = 7;
constexpr std::uint32_t kAlignmentFault = 0x21;  // DFSC

// Whether a load/store instruction writes: bit 22 (L) is clear for stores
// in the exclusive, pair and single-register encodings.
bool is_store(std::uint32_t insn) { return (insn & (1u << 22)) == 0; }

void interrupt_hook(uc_engine* uc, std::uint32_t intno, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->exception = intno;
  cpu->iret_pending = false;  // an exception inside the eret's block: the return did not happen
  cpu->stop = StopReason::Exception;
  uc_emu_stop(uc);
}

// The A64 instruction at `pc` as the CPU fetches it (through the MMU, at the
// CPU's EL); 0 (udf #0) where nothing is mapped.
std::uint32_t instruction_at(const GuestCpu& cpu, const GuestMemory& memory, VirtAddr pc) {
  const aarch64::PageTranslation t = cpu.translate(pc & ~VirtAddr{0xfff}, {.fetch = true, .user = cpu.user_mode()});
  const std::uint8_t* bytes = t.ok ? memory.physical(t.page + (pc & 0xfff), 4) : nullptr;
  std::uint32_t insn = 0;
  if (bytes) std::memcpy(&insn, bytes, 4);
  return insn;
}

std::uint16_t immediate16(std::uint32_t insn) { return static_cast<std::uint16_t>(insn >> 5); }

// Unicorn reports every instruction its CPU refuses as undefined (EXCP_UDEF)
// and keeps the syndrome to itself; the architecture tells them apart by
// the PC, the instruction and the controls (classify_refused below; FP/SIMD
// it never refuses, fp_simd_trap_ahead takes that trap).
struct Refused {
  Vector slot;
  std::uint64_t syndrome;
};

bool fp_simd_trapped(const GuestCpu& cpu) {
  const std::uint64_t fpen = (cpu.system_register(aarch64::kCpacrEl1) >> 20) & 3;
  return fpen == 0 || fpen == 2 || (fpen == 1 && cpu.user_mode());
}

// The system instructions and registers EL0 may use only when an SCTLR_EL1
// bit allows it; with the bit clear they are trapped to EL1 as a system
// instruction (EC 0x18), not undefined (the Arm ARM's SCTLR_EL1 field
// descriptions; QEMU's access checks say the same). Unicorn reports either
// as undefined, so the run loop tells them apart. `crm` 16: any.
struct El0Trapped {
  unsigned op0, op1, crn, crm, op2;
  unsigned sctlr_bit;  // the SCTLR_EL1 bit that lets EL0 run it
};
constexpr unsigned kAnyCrm = 16;
constexpr El0Trapped kEl0Trapped[] = {
    {0, 3, 4, kAnyCrm, 6, 9},  // msr daifset, #imm (UMA)
    {0, 3, 4, kAnyCrm, 7, 9},  // msr daifclr, #imm (UMA)
    {3, 3, 4, 2, 1, 9},        // mrs/msr daif (UMA)
    {1, 3, 7, 4, 1, 14},       // dc zva (DZE)
    {3, 3, 0, 0, 1, 15},       // mrs ctr_el0 (UCT)
    {1, 3, 7, 10, 1, 26},      // dc cvac (UCI)
    {1, 3, 7, 11, 1, 26},      // dc cvau (UCI)
    {1, 3, 7, 12, 1, 26},      // dc cvap (UCI)
    {1, 3, 7, 14, 1, 26},      // dc civac (UCI)
    {1, 3, 7, 5, 1, 26},       // ic ivau (UCI)
};

// Why Unicorn refused the instruction at `pc` (it says "undefined" for
// every one): a PC that is not a multiple of 4 (EC 0x22), an EL0 system
// instruction an SCTLR_EL1 bit keeps for EL1 (EC 0x18), else undefined.
Refused classify_refused(const GuestCpu& cpu, VirtAddr pc, std::uint32_t insn) {
  if (pc & 3) return {slot::kPcAlignment, syndrome::pc_alignment()};
  const bool system = (insn & 0xffc00000) == 0xd5000000;  // MSR (immediate), MSR, MRS, SYS, SYSL
  if (system && cpu.user_mode()) {
    const unsigned op0 = (insn >> 19) & 3, op1 = (insn >> 16) & 7, crn = (insn >> 12) & 0xf, crm = (insn >> 8) & 0xf,
                   op2 = (insn >> 5) & 7, rt = insn & 0x1f;
    const bool read = (insn >> 21) & 1;
    const std::uint64_t sctlr = cpu.system_register(aarch64::kSctlrEl1);
    for (const El0Trapped& t : kEl0Trapped) {
      if (t.op0 == op0 && t.op1 == op1 && t.crn == crn && (t.crm == kAnyCrm || t.crm == crm) && t.op2 == op2 &&
          ((sctlr >> t.sctlr_bit) & 1) == 0) {
        return {slot::kSystemRegister, syndrome::system_register_trap(op0, op1, op2, crn, crm, rt, read)};
      }
    }
  }
  return {slot::kUndefined, syndrome::undefined()};
}

// A block with an FP/SIMD instruction CPACR_EL1 traps: stop before it
// (run_guest runs the instructions before the trapping one, then takes the
// trap). Unicorn 2.1.1 never traps FP/SIMD itself (its fp_exception_el is 0).
bool fp_simd_trap_ahead(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  if (c.arch.running_to_fp_simd_trap) return false;
  bool trapped;
  if (is_kernel_address(address)) {
    trapped = fp_simd_trapped(c.cpu);  // EL1: core/'s FP/SIMD save and restore, rare
  } else {
    if (!c.arch.el0_fp_simd_open) c.arch.el0_fp_simd_open = !fp_simd_trapped(c.cpu);
    trapped = !*c.arch.el0_fp_simd_open;
  }
  if (!trapped) return false;
  c.arch.fp_simd_trap_at = address + cost.first_fp_simd_offset;
  c.stop = StopReason::FpSimdTrap;
  c.stopped_block = address;
  uc_emu_stop(c.cpu.uc());
  return true;
}

}  // namespace

// Every AArch64 return from an exception is an eret (flagged by the cost model).
void Simulator::arch_price(VirtAddr, std::uint32_t, BlockCost&) const {}

void Simulator::install_hooks(SimCpu& cpu) {
  uc_hook hook;
  check(uc_hook_add(cpu.cpu.uc(), &hook, UC_HOOK_INTR, reinterpret_cast<void*>(interrupt_hook), &cpu, 1, 0),
        "hook intr");
  SimCpu* raw = &cpu;
  arch_.tlbi_hooks.install(cpu.cpu, [this, raw](const TlbiOperation& op) {
    aarch64::AsidTlb& held = raw->cpu.held_translations();
    switch (op.scope) {
      case TlbiOperation::Scope::PageOfAsid: held.flush_page(op.asid, op.page); break;
      case TlbiOperation::Scope::PageOfEveryAsid: held.flush_page_every_asid(op.page); break;
      case TlbiOperation::Scope::Asid: held.flush_asid(op.asid); break;
      case TlbiOperation::Scope::Everything: held.flush_all(); break;
    }
    const bool by_page = op.scope == TlbiOperation::Scope::PageOfAsid || op.scope == TlbiOperation::Scope::PageOfEveryAsid;
    page_flushed(*raw, by_page ? op.page : kFlushAll);
  });
}

// Once per executed block, so it reads top to bottom with everything rare
// out of line: the common block costs a cache lookup and two additions.
void Simulator::on_block(uc_engine*, std::uint64_t address, std::uint32_t size, void* hook) {
  Simulator& self = *static_cast<const BlockHook*>(hook)->simulator;
  SimCpu& c = *static_cast<const BlockHook*>(hook)->cpu;
  c.block = address;
  if (PRISTINE_UNLIKELY(c.iret_pending)) {
    self.returned(c);
    c.arch.el0_fp_simd_open.reset();
    if (c.cpu.user_mode()) self.check_held_translations(c);
  }
  if (PRISTINE_UNLIKELY(c.cycles >= c.stop_at || (c.poll_interrupt_flag && !c.interrupt_flag_closed)) &&
      self.stop_due(c, address)) {
    return;
  }
  const BlockCost* cost = self.blocks_.find(address, size);
  if (PRISTINE_UNLIKELY(!cost)) {
    cost = &self.price_block(c, address, size);
  } else if (PRISTINE_UNLIKELY(cost->flags & kForbiddenInstructionFlags)) {
    self.first_sight_of_forbidden(c, address, size, *cost);
  }
  if (PRISTINE_UNLIKELY(cost->flags & kBlockWatched) && self.at_watched_block(c, address)) return;
  if (PRISTINE_UNLIKELY(cost->flags & aarch64::kBlockUsesFpSimd) && fp_simd_trap_ahead(c, address, *cost)) return;
  c.cycles += cost->cycles;
  c.instructions += cost->instructions;
  if (PRISTINE_UNLIKELY(cost->flags & kBlockForbidden)) self.flag_forbidden(c, address, *cost);
  c.iret_pending = (cost->flags & aarch64::kBlockEndsWithEret) != 0;
  if (cost->flags & aarch64::kBlockMayOpenInterrupts) c.interrupt_flag_closed = false;
  c.last_block_flags = cost->flags;
}

// A CPU back at EL0 under a TTBR0 it did not return under last time (a
// switch of space) must hold no translation of that ASID that the tables no
// longer give: a slot reused, or a space changed while another CPU ran it,
// is flushed from this CPU's TLB before the space runs here again
// (hw-aarch64/cpu/address_space.cpp, switch_address_space). Checked once
// per change of TTBR0, not per return: a space's own changes while it runs
// are the shootdown model's (sim/tlb_model.h).
void Simulator::check_held_translations(SimCpu& c) {
  const std::uint64_t ttbr0 = c.cpu.system_register(aarch64::kTtbr0El1);
  if (ttbr0 == c.arch.checked_ttbr0) return;
  c.arch.checked_ttbr0 = ttbr0;
  const std::uint16_t asid = aarch64::asid_of(ttbr0);
  const auto stale = c.cpu.held_translations().take_stale(asid, [&](VirtAddr page) -> std::optional<PhysAddr> {
    const aarch64::PageTranslation t = c.cpu.translate(page, {.user = true});
    return t.ok ? std::optional<PhysAddr>(t.page) : std::nullopt;
  });
  if (!stale) return;
  const aarch64::PageTranslation now = c.cpu.translate(stale->page, {.user = true});
  violations_.raise({.kind = "stale-translation",
                     .message = fmt::format("CPU {} returned to task {} at EL0 (ASID {}) while its TLB still held "
                                            "page {:#x} -> {:#x}, which the task's tables {}: the space changed "
                                            "without a flush of its ASID on this CPU",
                                            c.cpu.id(), kernel_.task_name(current_task(c)), asid, stale->page,
                                            stale->physical,
                                            now.ok ? fmt::format("map to {:#x}", now.page) : std::string("no longer map")),
                     .at_cycle = c.cycles});
}

// An `svc` from EL0 is a system call, measured as the call its x8 names; from
// EL1 it is core/'s kernel_wait (hw-aarch64/cpu/exception_dispatch.cpp).
PathId Simulator::exception_path(const SimCpu& c, const DeliveryRequest& request) const {
  if (request.kind == DeliveryKind::Software) {
    return c.cpu.user_mode() ? syscall_path(syscall_number(c.cpu)) : vector_path(vectors::kKernelWait);
  }
  return vector_path(request.vector);
}

// The board raises no NMI on AArch64 (its fault kinds are x86's: the scenario refuses them).
bool Simulator::try_deliver_nmi(SimCpu&) { return false; }

// Unicorn stops past the svc: ELR_EL1 is the next instruction, the
// immediate is the svc's own.
void Simulator::take_syscall(SimCpu& c) {
  const std::uint32_t svc = instruction_at(c.cpu, memory_, c.cpu.pc() - 4);
  deliver_exception(c, {.vector = vectors::kKernelWait,
                        .kind = DeliveryKind::Software,
                        .error_code = syndrome::svc(immediate16(svc))});
}

// An access the MMU refused (c.bad_access_*): an instruction abort at the
// fetch, or a data abort with FAR the byte the instruction accessed (the
// fill knows only the page; sim/aarch64/fault_address.h finds the byte).
void Simulator::take_page_fault(SimCpu& c) {
  const bool lower = c.cpu.user_mode();
  const VirtAddr pc = c.cpu.pc();
  const auto status = static_cast<std::uint32_t>(c.bad_access_error);
  DeliveryRequest request{.kind = DeliveryKind::Exception};
  if (c.bad_access_fetch) {
    request.vector = slot::kInstructionAbort;
    request.error_code = syndrome::instruction_abort(lower, status);
    request.fault_address = std::max(pc, c.bad_address);
  } else {
    const std::uint32_t insn = instruction_at(c.cpu, memory_, pc);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&insn);
    request.vector = slot::kDataAbort;
    request.error_code = syndrome::data_abort(lower, c.bad_access_write, status);
    request.fault_address = arch_.fault_address.locate({bytes, 4}, pc, c.bad_address, c.cpu).value_or(c.bad_address);
  }
  const bool injected = faults_.hits_injected_page(*request.fault_address);
  deliver_exception(c, request);
  if (injected) faults_.page_touched(pc);
}

void Simulator::run_guest(SimCpu& c) {
  c.stop = StopReason::None;
  c.exception.reset();
  c.interrupt_flag_closed = false;  // the host may have changed PSTATE at the stop
  uc_err err = c.cpu.run(c.cpu.pc());
  if (c.stop == StopReason::FpSimdTrap) {
    // Run the block's instructions before the trapping one, then take the
    // trap there (if nothing else stopped the CPU first).
    const VirtAddr at = c.arch.fp_simd_trap_at;
    c.cpu.set_pc(c.stopped_block);
    c.stop = StopReason::None;
    if (c.cpu.pc() != at) {
      // The engine stops at `until` only in blocks translated while it was
      // asked to: drop the cached one that runs through the trapping instruction.
      check(uc_ctl_remove_cache(c.cpu.uc(), c.stopped_block, at + 4), "uc_ctl_remove_cache");
      c.arch.running_to_fp_simd_trap = true;
      err = c.cpu.run(c.cpu.pc(), at);
      c.arch.running_to_fp_simd_trap = false;
    }
    if (err == UC_ERR_OK && c.stop == StopReason::None && c.cpu.pc() == at) {
      deliver_exception(c, {.vector = slot::kFpAccess, .kind = DeliveryKind::Exception,
                            .error_code = syndrome::fp_access()});
      return;
    }
  }
  if (c.stop == StopReason::EventDue || c.stop == StopReason::InterruptOpen) {
    c.cpu.set_pc(c.stopped_block);
    return;
  }
  if (err == UC_ERR_EXCEPTION) {
    if (const std::optional<aarch64::Refusal> refused = c.cpu.take_refusal()) {
      c.bad_address = refused->page;
      c.bad_access_write = refused->access.write;
      c.bad_access_fetch = refused->access.fetch;
      c.bad_access_error = refused->fault_status;
      c.iret_pending = false;
      take_page_fault(c);
      return;
    }
  }
  if (c.stop == StopReason::Exception) {
    switch (*c.exception) {
      case kExceptionSvc:
        take_syscall(c);
        return;
      case kExceptionUndefined: {
        const VirtAddr pc = c.cpu.pc();
        const Refused refused = classify_refused(c.cpu, pc, (pc & 3) ? 0 : instruction_at(c.cpu, memory_, pc));
        // A PC alignment fault's FAR is the PC (the Arm ARM's FAR_EL1 description).
        deliver_exception(c, {.vector = refused.slot,
                              .kind = DeliveryKind::Exception,
                              .error_code = refused.syndrome,
                              .fault_address = refused.slot == slot::kPcAlignment ? std::optional<VirtAddr>(pc)
                                                                                   : std::nullopt});
        return;
      }
      case kExceptionDataAbort: {
        // An access the alignment checks refuse (an exclusive or an atomic
        // off its size): an alignment fault at the address it makes.
        const VirtAddr pc = c.cpu.pc();
        const std::uint32_t insn = instruction_at(c.cpu, memory_, pc);
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&insn);
        deliver_exception(c, {.vector = slot::kAlignment, .kind = DeliveryKind::Exception,
                              .error_code = syndrome::data_abort(c.cpu.user_mode(), is_store(insn), kAlignmentFault),
                              .fault_address = arch_.fault_address.effective_address({bytes, 4}, pc, c.cpu)});
        return;
      }
      case kExceptionBreakpoint:
        deliver_exception(c, {.vector = slot::kBreakpoint, .kind = DeliveryKind::Exception,
                              .error_code = syndrome::brk(immediate16(instruction_at(c.cpu, memory_, c.cpu.pc())))});
        return;
      default:
        // wfi: the CPU sleeps until an interrupt is pending, masked or not.
        if (c.last_block_flags & aarch64::kBlockEndsWithWait) {
          c.halted = true;
          return;
        }
        fail(c, "emulation-error", fmt::format("Unicorn raised exception {} at no wfi", *c.exception));
        return;
    }
  }
  if (err != UC_ERR_OK) {
    fail(c, "emulation-error", fmt::format("Unicorn stopped: {}", uc_strerror(err)));
    return;
  }
  // wfi can also end the run without the hook (the engine leaves its loop to halt).
  if (c.last_block_flags & aarch64::kBlockEndsWithWait) {
    c.halted = true;
    return;
  }
  if (!c.exit_requested) fail(c, "emulation-error", "the engine stopped for no known reason");
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
