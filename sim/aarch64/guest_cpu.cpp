#include "sim/aarch64/guest_cpu.h"

namespace pristine::sim::aarch64 {
namespace {

constexpr std::uint64_t kMmuPageSize = 4096;

uc_arm64_cp_reg encoding(SystemRegister r) {
  return {.crn = r.crn, .crm = r.crm, .op0 = r.op0, .op1 = r.op1, .op2 = r.op2, .val = 0};
}

}  // namespace

GuestCpu::GuestCpu(CpuId id, CpuModel model) : id_(id), model_(model) {
  check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc_), "uc_open(arm64)");
  // Unicorn's ARM engines keep 1 KiB pages (QEMU's smallest ARM page)
  // unless told before anything else; the MMU's are 4 KiB, and a TLB entry
  // had better cover one. Unicorn 2.1.1 refuses to be told for ARM64
  // (2.1.2 allows it): then the fill below maps 1 KiB at a time, the same
  // translations, four times the fills.
  uc_ctl_set_page_size(uc_, 4096);
  check(uc_ctl_set_cpu_model(uc_, model == CpuModel::Max ? UC_CPU_ARM64_MAX : UC_CPU_ARM64_A57),
        "uc_ctl_set_cpu_model");
  check(uc_ctl_tlb_mode(uc_, UC_TLB_VIRTUAL), "uc_ctl_tlb_mode");
  uc_hook fill;
  check(uc_hook_add(uc_, &fill, UC_HOOK_TLB_FILL, reinterpret_cast<void*>(fill_tlb), this, 1, 0),
        "hook tlb fill");
}

GuestCpu::~GuestCpu() {
  if (uc_) uc_close(uc_);
}

void GuestCpu::attach(const GuestMemory& memory) {
  memory_ = &memory;
  memory.map_into(uc_);
}

std::uint64_t GuestCpu::reg(int id) const {
  std::uint64_t value = 0;  // 32-bit registers (PSTATE, NZCV) fill only the low half
  check(uc_reg_read(uc_, id, &value), "uc_reg_read");
  return value;
}

void GuestCpu::set_reg(int id, std::uint64_t value) { check(uc_reg_write(uc_, id, &value), "uc_reg_write"); }

std::uint32_t GuestCpu::pstate() const {
  std::uint32_t value = 0;
  check(uc_reg_read(uc_, UC_ARM64_REG_PSTATE, &value), "uc_reg_read(pstate)");
  return value;
}

std::uint64_t GuestCpu::system_register(SystemRegister r) const {
  uc_arm64_cp_reg cp = encoding(r);
  check(uc_reg_read(uc_, UC_ARM64_REG_CP_REG, &cp), "uc_reg_read(system register)");
  return cp.val;
}

void GuestCpu::set_system_register(SystemRegister r, std::uint64_t value) {
  uc_arm64_cp_reg cp = encoding(r);
  cp.val = value;
  check(uc_reg_write(uc_, UC_ARM64_REG_CP_REG, &cp), "uc_reg_write(system register)");
}

void GuestCpu::set_pstate(std::uint32_t value) {
  check(uc_reg_write(uc_, UC_ARM64_REG_PSTATE, &value), "uc_reg_write(pstate)");
  set_system_register(kSpsrEl1, system_register(kSpsrEl1));
}

TranslationControl GuestCpu::translation_control() const {
  const std::uint64_t sctlr = system_register(kSctlrEl1);
  return {.mmu_on = (sctlr & sctlr::kMmu) != 0,
          .write_execute_never = (sctlr & sctlr::kWriteExecuteNever) != 0,
          .ttbr0 = system_register(kTtbr0El1),
          .ttbr1 = system_register(kTtbr1El1),
          .tcr = system_register(kTcrEl1),
          .pan = (pstate() & pstate::kPan) != 0};
}

PageTranslation GuestCpu::translate(VirtAddr page, const PageAccess& access) const {
  return walk_page_tables(*memory_, translation_control(), page, access);
}

uc_err GuestCpu::run(VirtAddr begin, VirtAddr until, std::size_t count) {
  refusal_.reset();
  return uc_emu_start(uc_, begin, until, 0, count);
}

// Every miss of the engine's TLB: the walk at the current EL. The engine
// keeps EL0's and EL1's entries apart (QEMU's MMU indexes), so an entry
// filled for one EL is never used by the other.
bool GuestCpu::fill_tlb(uc_engine*, std::uint64_t engine_page, uc_mem_type type, uc_tlb_entry* entry, void* self) {
  auto* cpu = static_cast<GuestCpu*>(self);
  const VirtAddr page = engine_page & ~(kMmuPageSize - 1);
  const PageAccess access{.write = type == UC_MEM_WRITE, .fetch = type == UC_MEM_FETCH, .user = cpu->user_mode()};
  const TranslationControl control = cpu->translation_control();
  PageTranslation t = walk_page_tables(*cpu->memory_, control, page, access);
  if (cpu->taken_away_ == page) t = {.fault_status = fault_status(FaultKind::Translation, 3)};
  if (!t.ok) {
    cpu->refusal_ = Refusal{.page = page, .access = access, .fault_status = t.fault_status};
    return false;
  }
  if (is_lower_half(page)) cpu->held_.filled(asid_of(control.ttbr0), page, t.page);
  entry->paddr = t.page | (engine_page & (kMmuPageSize - 1));
  entry->perms = static_cast<uc_prot>((t.readable ? UC_PROT_READ : 0) | (t.writable ? UC_PROT_WRITE : 0) |
                                      (t.executable ? UC_PROT_EXEC : 0));
  return true;
}

void GuestCpu::take_page_away(VirtAddr page) {
  taken_away_ = page;
  check(uc_ctl_flush_tlb(uc_), "uc_ctl_flush_tlb");
}

void GuestCpu::give_page_back(VirtAddr page) {
  if (taken_away_ != page) return;
  taken_away_.reset();
  check(uc_ctl_flush_tlb(uc_), "uc_ctl_flush_tlb");
}

}  // namespace pristine::sim::aarch64
