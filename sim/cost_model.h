// The cost model: what each instruction and each CPU event costs in modeled cycles.
// Costs are data (CostTable), each with its published source in docs/cost-model.md.
// A translated block is decoded once with Capstone and its cost cached by the engine.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/board_costs.h"
#include "sim/cost_entry.h"
#include "sim/host_types.h"
#include "sim/x86_64/system_writes.h"

struct cs_insn;  // Capstone's decoded instruction

namespace pristine::sim {
class CapstoneHandle;
}

namespace pristine::sim {

// Properties of a block's last instruction that the engine must act on.
enum BlockFlags : std::uint32_t {
  kBlockNone = 0,
  kBlockEndsWithIret = 1u << 0,     // iretq, or the kernel's ring-0 return (its ret): pops a delivery record
  kBlockEndsWithSti = 1u << 1,      // sti / mov ss / pop ss: one-instruction interrupt shadow
  kBlockEndsWithHlt = 1u << 2,      // hlt
  kBlockEndsWithSyscall = 1u << 3,  // syscall (emulated host-side)
  kBlockEndsWithSysret = 1u << 4,   // sysretq (executed by Unicorn; ends a record like iretq)
  kBlockHasPortIo = 1u << 5,        // in/out/ins/outs anywhere in the block
  kBlockHasRdtsc = 1u << 6,         // rdtsc/rdtscp: forbidden in simulated guest code
  kBlockEndsWithFastString = 1u << 7,  // rep movs / rep stos: priced by the bytes (FastStringMeter)
  kBlockWatched = 1u << 8,  // the run loop looks at the CPU before this block (sim/simulator.cpp, at_watched_block)
  kBlockHasPopf = 1u << 9,  // popf anywhere in the block
  // May change what the MMU depends on: CR0, CR3, CR4, EFER (mov to a control
  // register, wrmsr) or the privilege level (iretq, sysretq, sysexit, a far
  // return, jump or call). GuestCpu::block_ahead.
  kBlockChangesMmu = 1u << 10,
  // May write a register the CPU keeps across runs (GuestCpu's system
  // registers): a control register, an MSR, a descriptor-table register, a
  // segment register or base (mov to CR, wrmsr, lgdt/lidt/ltr/lldt, clts,
  // lmsw, swapgs, wr{fs,gs}base, a segment load). Not iretq nor sysretq.
  kBlockChangesSystem = 1u << 11,
  // May change the x87, MMX and SSE registers though CR0.TS was set: it may
  // clear TS (clts, lmsw, a move to CR0), after which those instructions run
  // instead of trapping, or it is an xrstor, which Unicorn runs whatever TS
  // says. GuestCpu's copy of those registers is forgotten
  // (GuestCpu::fpu_may_change).
  kBlockMayChangeFpu = 1u << 12,
  // A rep movs / rep stos (kBlockEndsWithFastString) with 64-bit addresses
  // and no segment override: RDI (and RSI) name the bytes in the address
  // space as they are, so its iterations may run host-side as one burst
  // (Simulator::fast_string_burst). With kBlockFastStringMoves it is a movs.
  kBlockFastStringPlain = 1u << 13,
  kBlockFastStringMoves = 1u << 14,
};

// Blocks after which IF may be 1 though it was 0 before: sti, popf, iretq and
// sysretq are the only instructions that set it (mov/pop ss share the sti flag).
inline constexpr std::uint32_t kBlockMayOpenInterrupts =
    kBlockEndsWithSti | kBlockEndsWithIret | kBlockEndsWithSysret | kBlockHasPopf;

struct BlockCost {
  std::uint32_t instructions = 0;
  std::uint32_t cycles = 0;  // sum of the instruction costs
  std::uint32_t flags = kBlockNone;
  std::uint32_t last_insn_offset = 0;  // byte offset of the last instruction
  std::uint16_t fast_string_bytes = 0;  // kBlockEndsWithFastString: bytes one iteration moves or stores
  std::uint16_t system_writes = kWritesNone;  // SystemWrites of its instructions
};

// rep movs / rep stos run one iteration per translated block (the engine
// loops on the instruction), yet a CPU with fast strings (ERMSB) moves them
// as a burst: a start-up, then many bytes per cycle. The meter charges the
// start-up once per instruction run and the bytes as they add up.
struct FastStringMeter {
  VirtAddr at = 0;            // the rep instruction running
  std::uint32_t bytes = 0;    // bytes not yet charged (below one cycle's worth)
};

// Costs of CPU events that are not a single decoded instruction, in modeled cycles.
struct EventCosts {
  std::uint32_t interrupt_delivery_same_ring = 0;  // IDT lookup, push frame, no stack switch
  std::uint32_t interrupt_delivery_from_user = 0;  // + TSS stack switch, CPL change
  std::uint32_t exception_delivery = 0;            // fault/trap delivery (extra over interrupt)
  std::uint32_t syscall_entry = 0;                 // the syscall instruction itself
  BoardCosts board;                                // the simulated board's accesses (sim/board_costs.h)
};

// The table: per-instruction costs by Capstone instruction id, plus event costs.
class CostTable {
 public:
  // The documented default table (docs/cost-model.md).
  static CostTable defaults();

  // Cost of one decoded instruction (Capstone x86 instruction id and, where it
  // matters, its prefix/operands: lock prefix, memory destination).
  std::uint32_t instruction_cost(unsigned capstone_id, bool lock_prefix, bool rep_prefix) const;
  // `mov` to or from a control register (decoded from the operands).
  std::uint32_t control_register_cost(unsigned cr, bool write) const;
  // Cycles of one iteration of the rep movs/stos at `at` storing `bytes`;
  // `continuing`: the block before was this instruction's previous iteration.
  std::uint32_t fast_string_cycles(FastStringMeter& meter, VirtAddr at, bool continuing, std::uint32_t bytes) const {
    std::uint32_t cycles = 0;
    if (!continuing || meter.at != at) {
      cycles = fast_string_startup_;
      meter = {at, 0};
    }
    return cycles + static_cast<std::uint32_t>(fast_string_run(meter, 1, bytes));
  }
  // Cycles of `iterations` more iterations of the rep the meter runs, each
  // storing `bytes`, the meter moved past them: what as many
  // fast_string_cycles calls with `continuing` charge (Simulator::
  // fast_string_burst charges a burst at once).
  std::uint64_t fast_string_run(FastStringMeter& meter, std::uint64_t iterations, std::uint32_t bytes) const {
    const std::uint64_t total = meter.bytes + iterations * bytes;
    meter.bytes = static_cast<std::uint32_t>(total % fast_string_bytes_per_cycle_);
    return total / fast_string_bytes_per_cycle_;
  }
  const EventCosts& events() const { return events_; }

  // Every instruction-cost entry with its source, for docs and `pristine costs`.
  using Entry = CostEntry;  // sim/cost_entry.h: the row both architectures' tables share
  const std::vector<Entry>& entries() const { return entries_; }
  // Every event cost (EventCosts) with its name and source, in field order.
  const std::vector<Entry>& event_entries() const { return event_entries_; }

 private:
  std::vector<std::uint32_t> by_id_;  // indexed by capstone id; default 1
  std::uint32_t lock_extra_ = 0;
  std::uint32_t rep_per_iteration_ = 0;
  std::uint32_t fast_string_startup_ = 1, fast_string_bytes_per_cycle_ = 1;
  std::uint32_t cr3_write_ = 0, cr_write_ = 0, cr_read_ = 0;
  std::vector<Entry> entries_;
  std::vector<Entry> event_entries_;
  EventCosts events_{};
};

// Whether a decoded instruction is an SSE move that faults (#GP) on a memory
// operand not aligned to 16 bytes (Intel SDM Vol. 1, 10.4.1). Unicorn does not
// check; the simulator does (sim/x86_64/alignment_checks.cpp).
bool requires_alignment(const cs_insn& insn);

// Decodes blocks with Capstone (x86-64) and prices them with a CostTable.
class CostModel {
 public:
  explicit CostModel(CostTable table);
  ~CostModel();
  CostModel(const CostModel&) = delete;
  CostModel& operator=(const CostModel&) = delete;

  // Decode `code` (the bytes of one translated block at `address`) and price it.
  // Undecodable bytes end the block (counted as one instruction of cost 1).
  BlockCost price_block(std::span<const std::uint8_t> code, VirtAddr address) const;

  const CostTable& table() const { return table_; }

 private:
  CostTable table_;
  std::unique_ptr<CapstoneHandle> capstone_;
};

}  // namespace pristine::sim
