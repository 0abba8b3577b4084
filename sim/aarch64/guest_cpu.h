// One simulated AArch64 CPU: a Unicorn ARM64 engine plus what Unicorn does
// not do for us. Unicorn runs EL0 and EL1 code, `eret` included, but takes
// no exception itself: an `svc`, `brk`, undefined instruction or refused
// access stops it (UC_HOOK_INTR, or UC_ERR_EXCEPTION from the TLB fill),
// and the simulator performs the entry the CPU would
// (sim/aarch64/exception_entry.h). The engine runs in virtual TLB mode: its
// fill is the MMU (sim/aarch64/page_walk.h), walking the guest's own tables.
// The x86-64 twin is sim/x86_64/guest_cpu.h; the neutral accessors at the
// top are the ones the run loop uses on either.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>
#include <optional>

#include "sim/aarch64/asid_tlb.h"
#include "sim/aarch64/page_walk.h"
#include "sim/aarch64/system_registers.h"
#include "sim/guest_memory.h"
#include "sim/host_types.h"
#include "sim/unicorn_error.h"

namespace pristine::sim::aarch64 {

// An address in the kernel's half (TTBR1_EL1's: the top 16 bits set).
constexpr bool is_kernel_address(VirtAddr address) { return address >= 0xFFFF000000000000; }

// The CPU Unicorn models. The boards' QEMU runs a Cortex-A57 (ARMv8.0, no
// PAN); `Max` has every feature Unicorn's QEMU implements, PAN among them.
enum class CpuModel : std::uint8_t { CortexA57, Max };

// An access the MMU refused: its 4 KiB page, the access, the fault status.
struct Refusal {
  VirtAddr page = 0;
  PageAccess access;
  std::uint32_t fault_status = 0;
};

class GuestCpu {
 public:
  explicit GuestCpu(CpuId id, CpuModel model = CpuModel::CortexA57);
  ~GuestCpu();
  GuestCpu(const GuestCpu&) = delete;
  GuestCpu& operator=(const GuestCpu&) = delete;

  uc_engine* uc() const { return uc_; }
  CpuId id() const { return id_; }
  bool has_pan() const { return model_ == CpuModel::Max; }

  // What the run loop asks of any CPU (the architecture-neutral view).
  VirtAddr pc() const { return reg(UC_ARM64_REG_PC); }
  void set_pc(VirtAddr pc) { set_reg(UC_ARM64_REG_PC, pc); }
  VirtAddr sp() const { return reg(UC_ARM64_REG_SP); }
  unsigned exception_level() const { return pstate::exception_level(pstate()); }
  bool user_mode() const { return exception_level() == 0; }
  bool interrupts_enabled() const { return (pstate() & pstate::kIrqMask) == 0; }
  // The kernel finds its per-CPU data through TPIDR_EL1.
  VirtAddr per_cpu_base() const { return system_register(kTpidrEl1); }

  // Guest memory: mapped into the engine at its physical addresses, and what
  // the MMU walks the guest's tables in.
  void attach(const GuestMemory& memory);
  // A page the fault injector takes away (sim/fault_injector.h): every
  // access to it is refused as a level-3 translation fault, as if its
  // descriptor were invalid, until it is given back. Both flush the TLB.
  void take_page_away(VirtAddr page);
  void give_page_back(VirtAddr page);
  // The translation registers and PSTATE.PAN, as they are now.
  TranslationControl translation_control() const;
  PageTranslation translate(VirtAddr page, const PageAccess& access) const;
  // What this CPU's TLB may hold of the EL0 spaces (sim/aarch64/asid_tlb.h):
  // every lower-half translation the MMU gave, until a `tlbi` drops it.
  AsidTlb& held_translations() { return held_; }
  // The access the MMU refused in the last run (the run stopped with
  // UC_ERR_EXCEPTION), once.
  std::optional<Refusal> take_refusal() {
    std::optional<Refusal> r = refusal_;
    refusal_.reset();
    return r;
  }

  // Run from `begin` until a hook stops the engine, PC reaches `until` or
  // `count` instructions ran (0: no such bound).
  uc_err run(VirtAddr begin, VirtAddr until = 0, std::size_t count = 0);

  std::uint64_t reg(int id) const;
  void set_reg(int id, std::uint64_t value);
  // PSTATE in SPSR's layout (NZCV, PAN, SS, IL, DAIF, M[4:0]).
  std::uint32_t pstate() const;
  std::uint64_t system_register(SystemRegister r) const;
  void set_system_register(SystemRegister r, std::uint64_t value);
  // Set PSTATE, the EL included. Unicorn's register write does not
  // recompute the EL it translates code for (its cached "hflags"); a
  // system-register write does, so this ends with one (SPSR_EL1's own value
  // written back) and the next instruction runs at the new EL.
  void set_pstate(std::uint32_t value);

 private:
  static bool fill_tlb(uc_engine*, std::uint64_t page, uc_mem_type type, uc_tlb_entry* entry, void* self);

  uc_engine* uc_ = nullptr;
  CpuId id_;
  CpuModel model_;
  const GuestMemory* memory_ = nullptr;
  std::optional<Refusal> refusal_;
  std::optional<VirtAddr> taken_away_;
  AsidTlb held_;
};

}  // namespace pristine::sim::aarch64
