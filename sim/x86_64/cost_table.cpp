// The default cost table. Every figure is modeled cycles on a Skylake-class
// core; `source` says where it comes from. Where the public tables give no
// single figure, the value is a conservative estimate (higher rather than
// lower) and says so. docs/cost-model.md lists them all and how to calibrate.
#include <capstone/capstone.h>

#include "sim/cost_model.h"

namespace pristine::sim {
namespace {

struct Row {
  unsigned id;
  const char* mnemonic;
  std::uint32_t cycles;
  const char* source;
};

constexpr const char* kAgner = "Agner Fog, instruction_tables.pdf, Skylake";
constexpr const char* kEstimate = "estimate (no single published figure; conservative)";

constexpr Row kRows[] = {
    {X86_INS_IRETQ, "iretq", 60, "estimate: IRET is microcoded (Agner Fog lists it without a figure for Skylake); literature measures 40-100"},
    {X86_INS_SWAPGS, "swapgs", 20, kEstimate},
    {X86_INS_WRMSR, "wrmsr", 100, "estimate: serializing; Intel documents no latency; varies 50-500 by MSR"},
    {X86_INS_RDMSR, "rdmsr", 50, kEstimate},
    {X86_INS_INVLPG, "invlpg", 100, kEstimate},
    {X86_INS_LGDT, "lgdt", 50, kEstimate},
    {X86_INS_LIDT, "lidt", 50, kEstimate},
    {X86_INS_LTR, "ltr", 50, kEstimate},
    {X86_INS_CLI, "cli", 5, kAgner},
    {X86_INS_STI, "sti", 5, kAgner},
    {X86_INS_PUSHFQ, "pushfq", 3, kAgner},
    {X86_INS_POPFQ, "popfq", 20, "Agner Fog, Skylake: POPF is microcoded (~20 uops)"},
    {X86_INS_IN, "in", 1000, "estimate: a legacy port access takes ~0.5 us on the bus (1000 cycles at 2 GHz)"},
    {X86_INS_OUT, "out", 1000, "estimate: a legacy port access takes ~0.5 us on the bus (1000 cycles at 2 GHz)"},
    {X86_INS_INSB, "insb", 1000, "as in"},
    {X86_INS_INSW, "insw", 1000, "as in"},
    {X86_INS_INSD, "insd", 1000, "as in"},
    {X86_INS_OUTSB, "outsb", 1000, "as out"},
    {X86_INS_OUTSW, "outsw", 1000, "as out"},
    {X86_INS_OUTSD, "outsd", 1000, "as out"},
    {X86_INS_RDTSC, "rdtsc", 25, "Agner Fog, Skylake: RDTSC reciprocal throughput 25"},
    {X86_INS_RDTSCP, "rdtscp", 32, "Agner Fog, Skylake: RDTSCP reciprocal throughput 32"},
    {X86_INS_CPUID, "cpuid", 200, "Agner Fog, Skylake: CPUID 100-250"},
    {X86_INS_PAUSE, "pause", 140, "Intel Optimization Reference Manual: PAUSE latency ~140 cycles since Skylake"},
    {X86_INS_MFENCE, "mfence", 33, "Agner Fog, Skylake: MFENCE reciprocal throughput 33"},
    {X86_INS_LFENCE, "lfence", 4, "Agner Fog, Skylake: LFENCE reciprocal throughput 4"},
    {X86_INS_SFENCE, "sfence", 6, "Agner Fog, Skylake: SFENCE reciprocal throughput 6"},
    {X86_INS_XCHG, "xchg", 20, "Agner Fog, Skylake: XCHG r,m (implicitly locked) ~18-20"},
    {X86_INS_CLTS, "clts", 100, "estimate: writes CR0.TS, costed as a CR0 write"},
    {X86_INS_FXSAVE, "fxsave", 70, "Agner Fog, Skylake: FXSAVE ~60-70"},
    {X86_INS_FXSAVE64, "fxsave64", 70, "Agner Fog, Skylake: FXSAVE ~60-70"},
    {X86_INS_FXRSTOR, "fxrstor", 70, "Agner Fog, Skylake: FXRSTOR ~70"},
    {X86_INS_FXRSTOR64, "fxrstor64", 70, "Agner Fog, Skylake: FXRSTOR ~70"},
    {X86_INS_XSAVE, "xsave", 90, "Agner Fog, Skylake: XSAVE ~80-100"},
    {X86_INS_XSAVE64, "xsave64", 90, "Agner Fog, Skylake: XSAVE ~80-100"},
    {X86_INS_XRSTOR, "xrstor", 90, "Agner Fog, Skylake: XRSTOR ~80-100"},
    {X86_INS_XRSTOR64, "xrstor64", 90, "Agner Fog, Skylake: XRSTOR ~80-100"},
    {X86_INS_DIV, "div", 60, "Agner Fog, Skylake: DIV r64 latency 35-88"},
    {X86_INS_IDIV, "idiv", 60, "Agner Fog, Skylake: IDIV r64 latency 42-95"},
    {X86_INS_CALL, "call", 2, "Agner Fog, Skylake: CALL 2 uops"},
    {X86_INS_RET, "ret", 2, "Agner Fog, Skylake: RET 2 uops"},
    // Unicorn skips `syscall` and the simulator performs the entry: charged
    // as the syscall_entry event, 0 here so the block charge does not double
    // it. Unicorn executes `sysretq` (docs/dependencies.md): an instruction.
    {X86_INS_SYSCALL, "syscall", 0, "charged as the syscall_entry event"},
    {X86_INS_SYSRET, "sysret", 30, kEstimate},
};

}  // namespace

CostTable CostTable::defaults() {
  CostTable t;
  t.by_id_.assign(X86_INS_ENDING, 1);
  for (const Row& row : kRows) {
    t.by_id_[row.id] = row.cycles;
    t.entries_.push_back({row.mnemonic, row.cycles, row.source});
  }
  t.lock_extra_ = 18;
  t.entries_.push_back({"lock prefix (added)", t.lock_extra_, "Agner Fog, Skylake: LOCK ADD/XADD/CMPXCHG m ~18"});
  t.rep_per_iteration_ = 1;
  // rep movs / rep stos: a start-up, then a burst (fast strings, ERMSB).
  t.fast_string_startup_ = 35;
  t.fast_string_bytes_per_cycle_ = 32;
  t.entries_.push_back({"rep movs / rep stos, 4 KiB", t.fast_string_startup_ + 4096 / t.fast_string_bytes_per_cycle_,
                        "estimate after Intel's optimization manual (fast strings, ERMSB): a start-up of 35, then "
                        "32 bytes per cycle with the data in L1"});
  t.cr3_write_ = 150;
  t.entries_.push_back({"mov cr3, r", t.cr3_write_, "estimate: serializing, flushes non-global TLB entries (PCID off)"});
  t.cr_write_ = 100;
  t.entries_.push_back({"mov cr0/cr4, r", t.cr_write_, kEstimate});
  t.cr_read_ = 5;
  t.entries_.push_back({"mov r, crN", t.cr_read_, kEstimate});
  t.events_ = EventCosts{
      .interrupt_delivery_same_ring = 100,
      .interrupt_delivery_from_user = 150,
      .exception_delivery = 20,
      .syscall_entry = 30,
      .board = default_board_costs(),
  };
  // Each event with its source (docs/cost-model.md, "Event costs"). A new
  // EventCosts field needs its entry here: the size check below fails until then.
  static_assert(sizeof(EventCosts) == 9 * sizeof(std::uint32_t), "list every EventCosts field in event_entries_");
  const EventCosts& e = t.events_;
  t.event_entries_ = {
      {"interrupt delivery, ring 0", e.interrupt_delivery_same_ring,
       "estimate: IDT lookup and frame push, literature 100-200"},
      {"interrupt delivery, from ring 3", e.interrupt_delivery_from_user,
       "estimate: + TSS stack switch and CPL change"},
      {"exception delivery (extra)", e.exception_delivery, kEstimate},
      {"SYSCALL", e.syscall_entry, kEstimate},
  };
  for (CostEntry& entry : board_cost_entries(e.board)) t.event_entries_.push_back(std::move(entry));
  return t;
}

std::uint32_t CostTable::instruction_cost(unsigned capstone_id, bool lock_prefix, bool rep_prefix) const {
  std::uint32_t cost = capstone_id < by_id_.size() ? by_id_[capstone_id] : 1;
  if (lock_prefix) cost += lock_extra_;
  if (rep_prefix) cost += rep_per_iteration_;
  return cost;
}

std::uint32_t CostTable::control_register_cost(unsigned cr, bool write) const {
  if (!write) return cr_read_;
  return cr == 3 ? cr3_write_ : cr_write_;
}

}  // namespace pristine::sim
