// One simulated CPU: a Unicorn engine plus what Unicorn does not do for us.
// Unicorn cannot raise the privilege level by a register write (uc_reg_write of
// CS leaves the CPL alone) and never clears its "exception in flight" marker.
// Both are solved by restoring a context captured in ring 0 (the template) and
// writing back every piece of architectural state the transition preserves.
#pragma once

#include <unicorn/unicorn.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/host_types.h"
#include "sim/guest_memory.h"
#include "sim/unicorn_error.h"
#include "sim/x86_64/page_walk.h"
#include "sim/x86_64/system_writes.h"
#include "hw-x86_64/cpu/registers.h"

namespace pristine::sim {

// The x87, MMX and SSE registers of an ArchState (GuestCpu keeps them apart
// while CR0.TS keeps them: see fpu_).
struct X87SseState {
  std::array<std::array<std::uint8_t, 16>, 16> xmm;
  std::array<std::array<std::uint8_t, 10>, 8> st;
  std::uint32_t mxcsr;
  std::uint16_t fpcw, fpsw, fptag;
  bool operator==(const X87SseState&) const = default;
};

// Architectural state that survives a privilege transition: everything except
// what the transition itself sets (CS, SS, RSP, RIP, RFLAGS are written after).
struct ArchState {
  std::array<std::uint64_t, 16> gpr;  // rax rbx rcx rdx rsi rdi rbp rsp r8..r15
  std::uint64_t rip, rflags;
  std::uint64_t cr0, cr2, cr3, cr4;
  uc_x86_mmr gdtr, idtr, tr, ldtr;
  std::uint16_t ds, es, fs, gs;
  std::uint64_t fs_base, gs_base;
  std::array<std::uint64_t, 6> msr;  // EFER STAR LSTAR CSTAR SFMASK KERNEL_GS_BASE
  X87SseState fpu;
};

// The 16 general registers in ArchState::gpr order, with their names.
inline constexpr int kGprIds[16] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
                                    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,
                                    UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
                                    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15};
inline constexpr const char* kGprNames[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                              "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

// The register facts the kernel programs (one source: hw-x86_64/cpu/registers.h).
using x86::kMsrCstar;
using x86::kMsrEfer;
using x86::kMsrGsBase;
using x86::kMsrKernelGsBase;
using x86::kMsrLstar;
using x86::kMsrSfmask;
using x86::kMsrStar;
using x86::kRflagsIf;

// The kernel half of the address space (canonical high half, 48-bit).
constexpr bool is_kernel_address(VirtAddr address) { return address >= 0xFFFF800000000000; }


class GuestCpu {
 public:
  explicit GuestCpu(CpuId id);
  ~GuestCpu();
  GuestCpu(const GuestCpu&) = delete;
  GuestCpu& operator=(const GuestCpu&) = delete;

  uc_engine* uc() const { return uc_; }
  CpuId id() const { return id_; }

  // What the run loop asks of any CPU (the architecture-neutral view).
  VirtAddr pc() const { return reg(UC_X86_REG_RIP); }
  void set_pc(VirtAddr pc) { set_reg(UC_X86_REG_RIP, pc); }
  VirtAddr sp() const { return reg(UC_X86_REG_RSP); }
  bool user_mode() const { return cpl() == 3; }
  bool interrupts_enabled() const { return (reg(UC_X86_REG_RFLAGS) & kRflagsIf) != 0; }
  // The base the kernel finds its per-CPU data through (GS base on x86-64).
  VirtAddr per_cpu_base() const { return reg(UC_X86_REG_GS_BASE); }
  // One 4 KiB page out of this CPU's reach whatever the guest's page tables
  // say (take_page_away: the fault injector's page made not present for one
  // access, docs/faults.md), or back (give_page_back). Kept in the engine's
  // TLB fill, not as memory regions: a region change costs a memory
  // transaction and a translation-cache flush, a TLB flush costs little.
  void give_page_back(VirtAddr page);
  void take_page_away(VirtAddr page);
  // Guest memory: mapped into the engine at its physical addresses, and what
  // the MMU walks the guest's page tables in once the guest turns paging on
  // (sim/x86_64/page_walk.h).
  void attach(const GuestMemory& memory);
  // An access the MMU refuses (a page the guest's tables do not map for it,
  // or one taken away) calls `handler(user, page, write, fetch,
  // error_code)` from the fill (which is given only the page); the engine then
  // stops with an error.
  using UnreachableHandler = void (*)(void* user, VirtAddr address, bool write, bool fetch, std::uint64_t error_code);
  void on_unreachable(UnreachableHandler handler, void* user) {
    unreachable_ = handler;
    unreachable_user_ = user;
  }
  // What the MMU gives for `page` now, under this CPU's control registers
  // (paging off: the page itself). The last good translation is kept, as a
  // TLB keeps it (a delivery pushes onto the same kernel stack page again
  // and again), until the guest flushes (forget_translation: invlpg, a
  // block that may change the MMU's registers) or the host writes one.
  PageTranslation translate(VirtAddr page, const PageAccess& access) const;
  void forget_translation() const { translation_.valid = false; }
  // Guest RAM behind [address, address + length), all in one page, as the
  // CPU's accesses at its privilege reach it now (`write`: stores), or
  // nullptr where one would fault (not mapped, not allowed, taken away) or
  // reach no RAM.
  std::uint8_t* reachable_bytes(VirtAddr address, std::uint64_t length, bool write) const;
  // The run loop's word on the guest's blocks (it prices each from its
  // bytes, sim/cost_model.h), given for a block that may change what the MMU
  // depends on (CR0, CR3, EFER, the privilege level: a move to a control
  // register, wrmsr, iretq, sysretq, a far return or jump: `changes`) and
  // for the block after one. The engine's TLB fill walks the guest's page
  // tables on every miss, about a million times in a busy 10 ms storm; it
  // reads those four registers once per stretch of blocks that cannot change
  // them instead of four times per miss.
  // Until an owner promises these reports (reports_blocks), nothing is kept
  // inside a run.
  // The same word keeps the system registers (CR0, CR3, CR4, EFER, GDTR,
  // IDTR, TR, GS base, the SYSCALL MSRs and KERNEL_GS_BASE) across runs:
  // `writes` (SystemWrites, sim/x86_64/system_writes.h) is given for a block
  // that may write a system register (kBlockChangesSystem) and for the block
  // after one, and only the kept registers it names are forgotten: a ring-3
  // round trip's swapgs and CR3 write leave the rest known for the next
  // ring-3 exit's state. An interrupt's delivery reads five of them, and in
  // most runs (a handler and its iretq) none is written.
  void reports_blocks() { blocks_reported_ = true; }
  void block_ahead(bool changes, std::uint16_t writes) {
    mmu_settled_ = !changes;
    mmu_valid_ = false;
    if (changes) forget_translation();
    // Forgotten before a block that may write one, and again after it.
    system_known_ &= ~(static_cast<unsigned>(writes) | running_writes_);
    running_writes_ = writes;
  }
  // A block that may change the x87, MMX and SSE registers though CR0.TS
  // was set is ahead (kBlockMayChangeFpu): they may change in this run.
  void fpu_may_change() const { fpu_known_ = false; }
  // Where a page fault's address goes (CR2): read back at once, in the
  // engine by the next ring-0 entry that takes it or the next run.
  void set_fault_address(VirtAddr address);
  // `callback` runs when the guest executes its system-call instruction
  // (`syscall`), which Unicorn skips instead of executing.
  void hook_system_call(void (*callback)(uc_engine*, void*), void* user);
  // swapgs, as the CPU performs it: GS base and KERNEL_GS_BASE exchanged.
  void swapgs();

  // Run the engine from `begin` until a hook stops it, RIP reaches `until`
  // or `count` instructions ran (uc_emu_start; 0: no such bound). The only
  // way to run this CPU: registers read outside a run are cached until the
  // next write or run (a stop reads the same few, RIP, RSP, RFLAGS, CS, many
  // times, each a call through Unicorn's register switch).
  uc_err run(VirtAddr begin, VirtAddr until = 0, std::size_t count = 0);
  bool running() const { return running_; }

  // Inline for the common case, a register read already at this stop.
  std::uint64_t reg(int id) const {
    const CachedRegister& cached = cached_[static_cast<std::size_t>(id)];
    return cached.generation == register_generation_ ? cached.value : reg_uncached(id);
  }
  // Many registers from the engine always (for readers inside a run, which
  // nothing caches): one call (uc_reg_read_batch), or, for 8 or more plain
  // ones, a copy of the engine's state and a call for the rest.
  void read_registers(const int* ids, void* const* values, int count) const;
  void set_reg(int id, std::uint64_t value);
  // General registers, in one call into the engine, inside a run (a block
  // hook's work; the engine's next instruction sees them): nothing else
  // kept changes with them.
  void set_general_registers_in_run(const int* ids, const std::uint64_t* values, int count);
  // What a transfer into a handler writes last, in one call into the engine.
  void set_rsp_rflags_rip(std::uint64_t rsp, std::uint64_t rflags, std::uint64_t rip);
  std::uint16_t cs() const { return static_cast<std::uint16_t>(reg(UC_X86_REG_CS)); }
  unsigned cpl() const { return cs() & 3; }
  uc_x86_mmr mmr(int id) const;
  std::uint64_t msr(std::uint32_t index) const;
  void set_msr(std::uint32_t index, std::uint64_t value);

  // Capture the current state as the ring-0 template of the current address
  // space (CR3). Only while the CPU is in ring 0 with no exception in flight
  // (the simulator refreshes it at stops).
  void capture_ring0_template();
  // Whether there is a template for the current address space, captured
  // with the current mode-defining control state (CR0 but its TS bit, CR4,
  // EFER): Unicorn keeps derived mode bits that a register write does not
  // fully recompute, so a stale template must not be used.
  bool template_is_current() const;

  // The architectural state (at a stop: read once, until the next write or run).
  const ArchState& state() const;
  ArchState save_state() const { return state(); }
  // Enter ring 0 with `state` (and the given CS/SS/RSP/RIP/RFLAGS): restores
  // the template (CPL 0, exception marker clear), then writes `state` back.
  // CR2 and the general registers go into the template's context before the
  // restore where the engine's layout was found (locate_in_context): free,
  // for every entry. Else CR2 only with `with_fault_address` (a #PF or #DF
  // delivery), through the engine: Unicorn 2.1.1 flushes its TLB twice for a CR2 write
  // (write_fault_address), so any other entry then leaves CR2 at the
  // template's, an earlier fault's address, which the kernel reads only on a
  // #PF or #DF.
  void enter_ring0(const ArchState& state, std::uint16_t cs, std::uint16_t ss, std::uint64_t rsp,
                   std::uint64_t rip, std::uint64_t rflags, bool with_fault_address);

 private:
  void write_state(const ArchState& state, const ArchState& template_state, bool with_fault_address);
  void write_fault_address(VirtAddr address);
  void commit_fault_address();  // a pending CR2 into the engine
  static bool fill_tlb(uc_engine*, std::uint64_t page, uc_mem_type type, uc_tlb_entry* entry, void* self);

  uc_engine* uc_ = nullptr;
  // One template per address space: restoring a template of another CR3
  // means writing CR3 back, and that flushes the engine's whole TLB.
  struct Ring0Template {
    uc_context* context = nullptr;
    ArchState state{};  // the state the context holds
    std::uint16_t cs = 0, ss = 0;  // its selectors (written past ArchState)
  };
  static constexpr std::size_t kMaxTemplates = 64;
  std::vector<Ring0Template> templates_;
  std::size_t next_template_ = 0;  // the one replaced when all kMaxTemplates are in use
  std::size_t latest_template_ = 0;  // the last captured: always of the current mode
  std::uint64_t template_cr0_ = 0, template_cr4_ = 0, template_efer_ = 0;  // the mode they all share
  std::size_t template_index(std::uint64_t cr3) const;  // templates_.size(): none
  Ring0Template* template_for(std::uint64_t cr3) {
    const std::size_t i = template_index(cr3);
    return i < templates_.size() ? &templates_[i] : nullptr;
  }
  const Ring0Template* template_for(std::uint64_t cr3) const { return const_cast<GuestCpu*>(this)->template_for(cr3); }
  // Where the registers that are plain 8-byte fields of the engine's state
  // sit in a context, by Unicorn id (locate_in_context; 0: not one, the
  // context's header is there). enter_ring0 writes CR2 and the general
  // registers into the template there before its restore; read_registers
  // reads them from a copy of the state (snapshot_).
  static constexpr std::size_t kNowhere = ~std::size_t{0};
  std::size_t locate_in_context(int id);
  void locate_context_fields();
  std::array<std::uint16_t, UC_X86_REG_ENDING> in_context_{};
  uc_context* snapshot_ = nullptr;
  static constexpr int kMaxBatch = 80;  // the most registers read_registers takes apart
  void forget_registers() const {
    ++register_generation_;
    state_valid_ = false;
    mmu_valid_ = false;
  }
  // The system registers, by slot: known while the bit is set in
  // system_known_, forgotten when the host writes one of them (or restores a
  // context) or a block may write one (block_ahead).
  // A slot's bit is its SystemWrites bit (sim/x86_64/system_writes.h).
  enum SystemSlot : unsigned {
    kSlotCr0, kSlotCr3, kSlotCr4, kSlotEfer, kSlotGsBase, kSlotGdtr, kSlotIdtr, kSlotTr,
    kSlotStar, kSlotLstar, kSlotCstar, kSlotSfmask, kSlotKernelGsBase, kSlots
  };
  static_assert(1u << kSlotCr0 == kWritesCr0 && 1u << kSlotCr3 == kWritesCr3 && 1u << kSlotCr4 == kWritesCr4 &&
                1u << kSlotEfer == kWritesEfer && 1u << kSlotGsBase == kWritesGsBase &&
                1u << kSlotGdtr == kWritesGdtr && 1u << kSlotIdtr == kWritesIdtr && 1u << kSlotTr == kWritesTr &&
                1u << kSlotStar == kWritesStar && 1u << kSlotLstar == kWritesLstar &&
                1u << kSlotCstar == kWritesCstar && 1u << kSlotSfmask == kWritesSfmask &&
                1u << kSlotKernelGsBase == kWritesKernelGsBase);
  static int system_slot(int id);  // -1: not a system register
  static int msr_slot(std::uint32_t index);  // -1: an MSR not kept
  // Inside a run a slot is kept unless the running block may write it.
  bool system_cacheable(unsigned slot) const {
    return blocks_reported_ && (!running_ || (running_writes_ & (1u << slot)) == 0);
  }
  void remember_system(const ArchState& s) const;
  void forget_system() const {
    system_known_ = 0;
    forget_translation();
  }
  struct KeptTranslation {
    bool valid = false;
    VirtAddr page = 0;
    PageAccess access;
    PagingControl paging;
    PageTranslation result;
  };
  mutable KeptTranslation translation_;
  std::uint64_t read_register(int id) const;  // from the engine, always
  std::uint64_t reg_uncached(int id) const;
  void read_stop_registers() const;
  void read_state(ArchState& s) const;
  // What the MMU depends on: read at most once per stretch of blocks that
  // cannot change it (block_ahead), and once per stop.
  struct MmuControl {
    PagingControl paging;
    bool paging_on;
    unsigned cpl;
  };
  MmuControl mmu_control() const;
  const std::uint64_t* in_state(int id) const;

  CpuId id_;
  const GuestMemory* memory_ = nullptr;
  // Registers read at this stop, by Unicorn id: valid while their
  // generation is the current one (forget_registers starts a new one, and
  // run() starts one before the engine runs, so inside a run none is valid).
  // The system registers are kept apart (system_), never here.
  struct CachedRegister {
    std::uint64_t value = 0;
    std::uint64_t generation = 0;
  };
  mutable std::array<CachedRegister, UC_X86_REG_ENDING> cached_{};
  mutable std::uint64_t register_generation_ = 1;
  mutable ArchState state_{};  // the snapshot, valid while state_valid_
  mutable bool state_valid_ = false;
  mutable MmuControl mmu_{};  // valid while mmu_valid_
  mutable bool mmu_valid_ = false;
  bool mmu_settled_ = false;  // inside a run: the running block cannot change mmu_ (block_ahead)
  mutable std::array<std::uint64_t, kSlots> system_{};  // by SystemSlot (not the tables')
  mutable std::array<uc_x86_mmr, 3> tables_{};  // GDTR, IDTR, TR
  mutable unsigned system_known_ = 0;  // bit per SystemSlot
  unsigned running_writes_ = 0;  // inside a run: SystemWrites of the running block
  bool blocks_reported_ = false;
  mutable ArchState scratch_state_{};  // state() inside a run
  // The x87, MMX and SSE registers as last read or written at a stop, the
  // engine's while fpu_known_, which is only ever true with CR0.TS set. They
  // cannot change while TS is set (each instruction that touches them traps,
  // #NM, before it runs): a run that meets no block that may clear it (or
  // xrstor, which Unicorn runs regardless) leaves them as they were. A
  // ring-3 entry reads the whole state, and these are 28 of its 64 registers.
  mutable X87SseState fpu_{};
  mutable bool fpu_known_ = false;
  void keep_fpu(const ArchState& s) const;
  bool running_ = false;  // inside run(): the engine owns the registers
  std::optional<VirtAddr> pending_fault_address_;  // CR2 as set_fault_address left it, not yet in the engine
  std::vector<VirtAddr> taken_away_;  // sorted pages
  bool taken_away(VirtAddr page) const {
    return !taken_away_.empty() && std::binary_search(taken_away_.begin(), taken_away_.end(), page);
  }
  UnreachableHandler unreachable_ = nullptr;
  void* unreachable_user_ = nullptr;
};

}  // namespace pristine::sim
