#include "sim/x86_64/guest_cpu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace pristine::sim {
namespace {

constexpr std::uint32_t kMsrIds[6] = {kMsrEfer, kMsrStar, kMsrLstar, kMsrCstar, kMsrSfmask,
                                      kMsrKernelGsBase};

// Whether a register write may change a system register GuestCpu keeps:
// anything but the general registers, RIP, RFLAGS and the selectors that
// leave GS base alone (CR2 too: Unicorn 2.1.1 reloads CR3 with it).
bool writes_system(int id) {
  switch (id) {
    case UC_X86_REG_RIP: case UC_X86_REG_RFLAGS: case UC_X86_REG_CS: case UC_X86_REG_SS: case UC_X86_REG_DS:
    case UC_X86_REG_ES: case UC_X86_REG_FS: case UC_X86_REG_FS_BASE:
      return false;
    default:
      return std::find(std::begin(kGprIds), std::end(kGprIds), id) == std::end(kGprIds);
  }
}

// Whether a set_reg may change the x87 and SSE registers GuestCpu keeps
// (fpu_), or CR0, whose TS bit keeps them. (The wide ones, XMM and ST, are
// written only by write_state, which keeps what it wrote.)
bool writes_fpu(int id) {
  switch (id) {
    case UC_X86_REG_CR0: case UC_X86_REG_FPSW: case UC_X86_REG_FPCW: case UC_X86_REG_FPTAG:
    case UC_X86_REG_MXCSR:
      return true;
    default:
      return false;
  }
}

}  // namespace

GuestCpu::GuestCpu(CpuId id) : id_(id) {
  check(uc_open(UC_ARCH_X86, UC_MODE_64, &uc_), "uc_open");
  check(uc_ctl_tlb_mode(uc_, UC_TLB_VIRTUAL), "uc_ctl_tlb_mode");
  uc_hook tlb_fill;
  check(uc_hook_add(uc_, &tlb_fill, UC_HOOK_TLB_FILL, reinterpret_cast<void*>(fill_tlb), this, 1, 0),
        "hook tlb fill");
  locate_context_fields();
  capture_ring0_template();
}

// A context is the engine's CPU state copied by value (uc_context_save is a
// memcpy of it), so a register that is a plain field of that state has one
// fixed place in every context of an engine, found here once: the only 8
// bytes that hold it in each of two saves with different values. A value
// written there before a restore costs nothing; uc_reg_write is a trip
// through the engine's register switch per register (16 general registers
// per ring-3 entry), and of CR2 two TLB flushes on Unicorn 2.1.1
// (write_fault_address). Not found (another layout): kNowhere, and
// enter_ring0 writes through the engine.
std::size_t GuestCpu::locate_in_context(int id) {
  constexpr std::uint64_t kProbes[2] = {0x7a3c5e9b1d2f4861, 0x1c9e3a7b5d4f6082};
  const std::size_t size = uc_context_size(uc_);
  uc_context* probe = nullptr;
  check(uc_context_alloc(uc_, &probe), "uc_context_alloc(probe)");
  const std::uint64_t original = reg(id);
  std::vector<std::size_t> places;
  for (int round = 0; round < 2; ++round) {
    set_reg(id, kProbes[round]);
    check(uc_context_save(uc_, probe), "uc_context_save(probe)");
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(probe);
    std::vector<std::size_t> found;
    for (std::size_t at = 0; at + 8 <= size; ++at) {  // any byte: the context has a header
      std::uint64_t value;
      std::memcpy(&value, bytes + at, 8);
      if (value == kProbes[round]) found.push_back(at);
    }
    if (round == 0) {
      places = std::move(found);
    } else {
      std::erase_if(places, [&](std::size_t at) { return std::find(found.begin(), found.end(), at) == found.end(); });
    }
  }
  uc_context_free(probe);
  set_reg(id, original);
  return places.size() == 1 ? places.front() : kNowhere;
}

void GuestCpu::locate_context_fields() {
  const std::uint64_t cr3 = reg(UC_X86_REG_CR3);
  const auto place = [&](int id) {
    const std::size_t at = locate_in_context(id);
    if (at != kNowhere && at <= 0xFFFF) in_context_[static_cast<std::size_t>(id)] = static_cast<std::uint16_t>(at);
  };
  place(UC_X86_REG_CR2);
  set_reg(UC_X86_REG_CR3, cr3);  // Unicorn 2.1.1 loads CR3 with a CR2 write
  for (const int id : kGprIds) place(id);
  for (const int id : {UC_X86_REG_RIP, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE}) place(id);
  check(uc_context_alloc(uc_, &snapshot_), "uc_context_alloc(snapshot)");
}

GuestCpu::~GuestCpu() {
  for (const Ring0Template& t : templates_) uc_context_free(t.context);
  if (snapshot_) uc_context_free(snapshot_);
  if (uc_) uc_close(uc_);
}

void GuestCpu::commit_fault_address() {
  if (!pending_fault_address_) return;
  write_fault_address(*pending_fault_address_);
  pending_fault_address_.reset();
}

uc_err GuestCpu::run(VirtAddr begin, VirtAddr until, std::size_t count) {
  commit_fault_address();
  forget_registers();
  running_ = true;
  mmu_settled_ = blocks_reported_;  // as the host left it, until a block says otherwise
  running_writes_ = 0;
  const uc_err err = uc_emu_start(uc_, begin, until, 0, count);
  running_ = false;
  mmu_settled_ = false;
  // Stopped inside a block that may have written some: they are read again.
  if (!blocks_reported_) forget_system();
  system_known_ &= ~running_writes_;
  running_writes_ = 0;
  forget_registers();
  return err;
}

int GuestCpu::system_slot(int id) {
  switch (id) {
    case UC_X86_REG_CR0: return kSlotCr0;
    case UC_X86_REG_CR3: return kSlotCr3;
    case UC_X86_REG_CR4: return kSlotCr4;
    case UC_X86_REG_GS_BASE: return kSlotGsBase;
    case UC_X86_REG_GDTR: return kSlotGdtr;
    case UC_X86_REG_IDTR: return kSlotIdtr;
    case UC_X86_REG_TR: return kSlotTr;
    default: return -1;
  }
}

int GuestCpu::msr_slot(std::uint32_t index) {
  switch (index) {
    case kMsrEfer: return kSlotEfer;
    case kMsrStar: return kSlotStar;
    case kMsrLstar: return kSlotLstar;
    case kMsrCstar: return kSlotCstar;
    case kMsrSfmask: return kSlotSfmask;
    case kMsrKernelGsBase: return kSlotKernelGsBase;
    default: return -1;
  }
}

std::uint64_t GuestCpu::read_register(int id) const {
  if (id == UC_X86_REG_CR2 && pending_fault_address_) return *pending_fault_address_;
  std::uint64_t value = 0;
  check(uc_reg_read(uc_, id, &value), "uc_reg_read");
  return value;
}

// The register in the state snapshot, if it holds it.
const std::uint64_t* GuestCpu::in_state(int id) const {
  switch (id) {
    case UC_X86_REG_RAX: return &state_.gpr[0];
    case UC_X86_REG_RBX: return &state_.gpr[1];
    case UC_X86_REG_RCX: return &state_.gpr[2];
    case UC_X86_REG_RDX: return &state_.gpr[3];
    case UC_X86_REG_RSI: return &state_.gpr[4];
    case UC_X86_REG_RDI: return &state_.gpr[5];
    case UC_X86_REG_RBP: return &state_.gpr[6];
    case UC_X86_REG_RSP: return &state_.gpr[7];
    case UC_X86_REG_R8: return &state_.gpr[8];
    case UC_X86_REG_R9: return &state_.gpr[9];
    case UC_X86_REG_R10: return &state_.gpr[10];
    case UC_X86_REG_R11: return &state_.gpr[11];
    case UC_X86_REG_R12: return &state_.gpr[12];
    case UC_X86_REG_R13: return &state_.gpr[13];
    case UC_X86_REG_R14: return &state_.gpr[14];
    case UC_X86_REG_R15: return &state_.gpr[15];
    case UC_X86_REG_RIP: return &state_.rip;
    case UC_X86_REG_RFLAGS: return &state_.rflags;
    case UC_X86_REG_CR0: return &state_.cr0;
    case UC_X86_REG_CR2: return &state_.cr2;
    case UC_X86_REG_CR3: return &state_.cr3;
    case UC_X86_REG_CR4: return &state_.cr4;
    case UC_X86_REG_FS_BASE: return &state_.fs_base;
    case UC_X86_REG_GS_BASE: return &state_.gs_base;
    default: return nullptr;
  }
}

// The registers every stop reads (the delivery of an interrupt reads all
// five): one call into the engine for them all.
constexpr int kStopRegisters[] = {UC_X86_REG_RIP, UC_X86_REG_RSP, UC_X86_REG_RFLAGS, UC_X86_REG_CS, UC_X86_REG_SS};

void GuestCpu::read_stop_registers() const {
  std::uint64_t values[std::size(kStopRegisters)] = {};
  void* pointers[std::size(kStopRegisters)];
  for (std::size_t i = 0; i < std::size(kStopRegisters); ++i) pointers[i] = &values[i];
  read_registers(kStopRegisters, pointers, static_cast<int>(std::size(kStopRegisters)));
  for (std::size_t i = 0; i < std::size(kStopRegisters); ++i) {
    cached_[static_cast<std::size_t>(kStopRegisters[i])] = {values[i], register_generation_};
  }
}

std::uint64_t GuestCpu::reg_uncached(int id) const {
  if (const int slot = system_slot(id); slot >= 0 && system_cacheable(static_cast<unsigned>(slot))) {
    if (system_known_ & (1u << slot)) return system_[static_cast<unsigned>(slot)];
    const std::uint64_t value = read_register(id);
    system_[static_cast<unsigned>(slot)] = value;
    system_known_ |= 1u << slot;
    return value;
  }
  if (running_) return read_register(id);
  CachedRegister& cached = cached_.at(static_cast<std::size_t>(id));
  if (state_valid_) {
    if (const std::uint64_t* value = in_state(id)) return *value;
  }
  if (std::find(std::begin(kStopRegisters), std::end(kStopRegisters), id) != std::end(kStopRegisters)) {
    read_stop_registers();
    return cached.value;
  }
  cached = {read_register(id), register_generation_};
  return cached.value;
}

// Many of the registers plain fields of a context (locate_context_fields):
// one copy of the engine's state (uc_context_save, a memcpy) serves them, and
// only the rest goes through the engine's register switch (about 60 host
// instructions per register there, and a state is 30 to 60 registers).
void GuestCpu::read_registers(const int* ids, void* const* values, int count) const {
  constexpr int kWorthACopy = 8;
  int plain = 0;
  for (int i = 0; i < count; ++i) plain += in_context_[static_cast<std::size_t>(ids[i])] != 0;
  if (plain < kWorthACopy || count > kMaxBatch) {
    check(uc_reg_read_batch(uc_, const_cast<int*>(ids), const_cast<void**>(values), count), "uc_reg_read_batch");
    return;
  }
  check(uc_context_save(uc_, snapshot_), "uc_context_save(snapshot)");
  const auto* copy = reinterpret_cast<const std::uint8_t*>(snapshot_);
  int rest_ids[kMaxBatch];
  void* rest_values[kMaxBatch];
  int rest = 0;
  for (int i = 0; i < count; ++i) {
    if (const std::uint16_t at = in_context_[static_cast<std::size_t>(ids[i])]; at != 0) {
      std::memcpy(values[i], copy + at, 8);
    } else {
      rest_ids[rest] = ids[i];
      rest_values[rest++] = values[i];
    }
  }
  if (rest != 0) check(uc_reg_read_batch(uc_, rest_ids, rest_values, rest), "uc_reg_read_batch");
}

// Any other write may change what another register reads back (a segment
// load, CR2 reloading CR3 in 2.1.1): the cache starts over.
void GuestCpu::set_reg(int id, std::uint64_t value) {
  check(uc_reg_write(uc_, id, &value), "uc_reg_write");
  // A general register or RIP changes nothing else and reads back what was
  // written (a delivery writes RSP and RIP, and the run loop reads them back
  // at once); RFLAGS changes nothing else either, but reads back with its
  // fixed bits.
  const bool general = id == UC_X86_REG_RIP || std::find(std::begin(kGprIds), std::end(kGprIds), id) != std::end(kGprIds);
  if (!running_ && (general || id == UC_X86_REG_RFLAGS)) {
    CachedRegister& cached = cached_.at(static_cast<std::size_t>(id));
    cached = {value, general ? register_generation_ : 0};
    if (general && state_valid_) {
      *const_cast<std::uint64_t*>(in_state(id)) = value;
    } else {
      state_valid_ = false;
    }
    return;
  }
  forget_registers();
  if (writes_system(id)) forget_system();
  if (writes_fpu(id)) fpu_known_ = false;
}

void GuestCpu::set_general_registers_in_run(const int* ids, const std::uint64_t* values, int count) {
  if (!running_) throw std::logic_error("set_general_registers_in_run outside a run");
  const void* pointers[16];
  if (count > 16) throw std::logic_error("set_general_registers_in_run: more than 16 registers");
  for (int i = 0; i < count; ++i) pointers[i] = &values[i];
  check(uc_reg_write_batch(uc_, const_cast<int*>(ids), const_cast<void* const*>(pointers), count),
        "uc_reg_write_batch");
}

void GuestCpu::set_rsp_rflags_rip(std::uint64_t rsp, std::uint64_t rflags, std::uint64_t rip) {
  int ids[] = {UC_X86_REG_RSP, UC_X86_REG_RFLAGS, UC_X86_REG_RIP};
  const void* values[] = {&rsp, &rflags, &rip};
  check(uc_reg_write_batch(uc_, ids, const_cast<void* const*>(values), 3), "uc_reg_write_batch");
  if (running_) {  // nothing is cached inside a run
    forget_registers();
    return;
  }
  // As set_reg leaves them: RSP and RIP read back as written, RFLAGS with
  // its fixed bits (read again).
  cached_[UC_X86_REG_RSP] = {rsp, register_generation_};
  cached_[UC_X86_REG_RIP] = {rip, register_generation_};
  cached_[UC_X86_REG_RFLAGS] = {rflags, 0};
  state_valid_ = false;
}

uc_x86_mmr GuestCpu::mmr(int id) const {
  const int slot = system_slot(id);
  const bool cacheable = slot >= static_cast<int>(kSlotGdtr) && system_cacheable(static_cast<unsigned>(slot));
  uc_x86_mmr& kept = tables_[cacheable ? static_cast<unsigned>(slot) - kSlotGdtr : 0];
  if (cacheable && (system_known_ & (1u << slot))) return kept;
  uc_x86_mmr value{};
  check(uc_reg_read(uc_, id, &value), "uc_reg_read(mmr)");
  if (cacheable) {
    kept = value;
    system_known_ |= 1u << slot;
  }
  return value;
}

std::uint64_t GuestCpu::msr(std::uint32_t index) const {
  // A system call's entry reads STAR, SFMASK and LSTAR right after the
  // stop's state was read, which holds them.
  if (!running_ && state_valid_) {
    for (std::size_t i = 0; i < std::size(kMsrIds); ++i) {
      if (kMsrIds[i] == index) return state_.msr[i];
    }
  }
  const int slot = msr_slot(index);
  const bool cacheable = slot >= 0 && system_cacheable(static_cast<unsigned>(slot));
  if (cacheable && (system_known_ & (1u << slot))) return system_[static_cast<unsigned>(slot)];
  uc_x86_msr value{index, 0};
  check(uc_reg_read(uc_, UC_X86_REG_MSR, &value), "rdmsr");
  if (cacheable) {
    system_[static_cast<unsigned>(slot)] = value.value;
    system_known_ |= 1u << slot;
  }
  return value.value;
}

void GuestCpu::set_msr(std::uint32_t index, std::uint64_t v) {
  forget_registers();
  forget_system();
  uc_x86_msr value{index, v};
  check(uc_reg_write(uc_, UC_X86_REG_MSR, &value), "wrmsr");
}

namespace {

constexpr std::uint64_t mode_cr0(std::uint64_t cr0) { return cr0 & ~x86::kCr0TaskSwitched; }

}  // namespace

void GuestCpu::capture_ring0_template() {
  commit_fault_address();  // the context and its state must agree
  const std::uint64_t cr0 = mode_cr0(reg(UC_X86_REG_CR0)), cr4 = reg(UC_X86_REG_CR4), efer = msr(kMsrEfer);
  if (cr0 != template_cr0_ || cr4 != template_cr4_ || efer != template_efer_) {
    // A new mode: every template is stale (keep the contexts, refill them).
    for (Ring0Template& t : templates_) t.state.cr3 = ~std::uint64_t{0};
    template_cr0_ = cr0;
    template_cr4_ = cr4;
    template_efer_ = efer;
  }
  const std::uint64_t cr3 = reg(UC_X86_REG_CR3);
  Ring0Template* t = nullptr;
  if (const std::size_t i = template_index(cr3); i < templates_.size()) {
    t = &templates_[i];
  } else {
    const auto unused = std::find_if(templates_.begin(), templates_.end(),
                                     [](const Ring0Template& x) { return x.state.cr3 == ~std::uint64_t{0}; });
    if (unused != templates_.end()) {
      t = &*unused;
    } else if (templates_.size() < kMaxTemplates) {
      t = &templates_.emplace_back();
      check(uc_context_alloc(uc_, &t->context), "uc_context_alloc");
    } else {
      t = &templates_[next_template_];
      next_template_ = (next_template_ + 1) % kMaxTemplates;
    }
  }
  check(uc_context_save(uc_, t->context), "uc_context_save(template)");
  t->state = save_state();
  t->cs = cs();
  t->ss = static_cast<std::uint16_t>(reg(UC_X86_REG_SS));
  latest_template_ = static_cast<std::size_t>(t - templates_.data());
}

std::size_t GuestCpu::template_index(std::uint64_t cr3) const {
  std::size_t i = 0;
  while (i < templates_.size() && templates_[i].state.cr3 != cr3) ++i;
  return i;
}

bool GuestCpu::template_is_current() const {
  return mode_cr0(reg(UC_X86_REG_CR0)) == template_cr0_ && reg(UC_X86_REG_CR4) == template_cr4_ &&
         msr(kMsrEfer) == template_efer_ && template_for(reg(UC_X86_REG_CR3)) != nullptr;
}

// One call into the engine for the whole state: each uc_reg_read is a trip
// through Unicorn's entry and its register switch, and a state is 64 registers.
void GuestCpu::read_state(ArchState& s) const {
  constexpr int kStateRegisters = 16 + 6 + 4 + 4 + 2 + 2 + 6 + 16 + 8 + 4;
  static_assert(kStateRegisters <= kMaxBatch);
  int ids[kStateRegisters];
  void* values[kStateRegisters];
  std::uint64_t selectors[4] = {};
  uc_x86_msr msrs[6];
  int n = 0;
  auto add = [&](int id, void* value) {
    ids[n] = id;
    values[n++] = value;
  };
  // The system registers still known (system_known_) are not read again:
  // between two ring-3 exits the kernel's swapgs and CR3 write are all that
  // usually forgets any.
  const unsigned known = system_known_;
  const auto kept = [&](unsigned slot) { return system_cacheable(slot) && (known & (1u << slot)) != 0; };
  const auto add_system = [&](unsigned slot, int id, std::uint64_t& value) {
    if (kept(slot)) {
      value = system_[slot];
    } else {
      add(id, &value);
    }
  };
  const auto add_table = [&](unsigned slot, int id, uc_x86_mmr& value) {
    if (kept(slot)) {
      value = tables_[slot - kSlotGdtr];
    } else {
      add(id, &value);
    }
  };
  for (int i = 0; i < 16; ++i) add(kGprIds[i], &s.gpr[i]);
  add(UC_X86_REG_RIP, &s.rip);
  add(UC_X86_REG_RFLAGS, &s.rflags);
  add_system(kSlotCr0, UC_X86_REG_CR0, s.cr0);
  add(UC_X86_REG_CR2, &s.cr2);
  add_system(kSlotCr3, UC_X86_REG_CR3, s.cr3);
  add_system(kSlotCr4, UC_X86_REG_CR4, s.cr4);
  add_table(kSlotGdtr, UC_X86_REG_GDTR, s.gdtr);
  add_table(kSlotIdtr, UC_X86_REG_IDTR, s.idtr);
  add_table(kSlotTr, UC_X86_REG_TR, s.tr);
  add(UC_X86_REG_LDTR, &s.ldtr);
  add(UC_X86_REG_DS, &selectors[0]);
  add(UC_X86_REG_ES, &selectors[1]);
  add(UC_X86_REG_FS, &selectors[2]);
  add(UC_X86_REG_GS, &selectors[3]);
  // At a stop, CS and SS too, which ArchState leaves to the transition: a
  // system call's entry asks for the privilege level right after the state
  // (user_mode), and they alone would cost the stop's register read.
  std::uint64_t cs = 0, ss = 0;
  if (!running_) {
    add(UC_X86_REG_CS, &cs);
    add(UC_X86_REG_SS, &ss);
  }
  add(UC_X86_REG_FS_BASE, &s.fs_base);
  add(UC_X86_REG_GS_BASE, &s.gs_base);
  for (int i = 0; i < 6; ++i) {
    msrs[i] = {kMsrIds[i], 0};
    if (const auto slot = static_cast<unsigned>(msr_slot(kMsrIds[i])); kept(slot)) {
      msrs[i].value = system_[slot];
    } else {
      add(UC_X86_REG_MSR, &msrs[i]);
    }
  }
  const bool fpu_kept = fpu_known_;
  X87SseState& f = s.fpu;
  if (fpu_kept) {
    f = fpu_;
  } else {
    for (int i = 0; i < 16; ++i) add(UC_X86_REG_XMM0 + i, f.xmm[i].data());
    for (int i = 0; i < 8; ++i) add(UC_X86_REG_ST0 + i, f.st[i].data());
    add(UC_X86_REG_MXCSR, &f.mxcsr);
    add(UC_X86_REG_FPCW, &f.fpcw);
    add(UC_X86_REG_FPSW, &f.fpsw);
    add(UC_X86_REG_FPTAG, &f.fptag);
  }
  read_registers(ids, values, n);
  if (!fpu_kept) keep_fpu(s);
  if (pending_fault_address_) s.cr2 = *pending_fault_address_;
  s.ds = static_cast<std::uint16_t>(selectors[0]);
  s.es = static_cast<std::uint16_t>(selectors[1]);
  s.fs = static_cast<std::uint16_t>(selectors[2]);
  s.gs = static_cast<std::uint16_t>(selectors[3]);
  for (int i = 0; i < 6; ++i) s.msr[i] = msrs[i].value;
  if (!running_) {
    cached_[UC_X86_REG_CS] = {cs, register_generation_};
    cached_[UC_X86_REG_SS] = {ss, register_generation_};
  }
  remember_system(s);
}

// The system registers of `s`, as the engine holds them now (read or just
// written), are known from here to the next write of each.
void GuestCpu::remember_system(const ArchState& s) const {
  const auto keep = [&](unsigned slot, std::uint64_t value) {
    if (!system_cacheable(slot)) return;
    system_[slot] = value;
    system_known_ |= 1u << slot;
  };
  const auto keep_table = [&](unsigned slot, const uc_x86_mmr& value) {
    if (!system_cacheable(slot)) return;
    tables_[slot - kSlotGdtr] = value;
    system_known_ |= 1u << slot;
  };
  keep(kSlotCr0, s.cr0);
  keep(kSlotCr3, s.cr3);
  keep(kSlotCr4, s.cr4);
  keep(kSlotGsBase, s.gs_base);
  keep_table(kSlotGdtr, s.gdtr);
  keep_table(kSlotIdtr, s.idtr);
  keep_table(kSlotTr, s.tr);
  for (std::size_t i = 0; i < std::size(kMsrIds); ++i) keep(static_cast<unsigned>(msr_slot(kMsrIds[i])), s.msr[i]);
}

// `s`'s x87, MMX and SSE registers are the engine's: kept if nothing can
// change them unseen, that is with CR0.TS set, at a stop, and with the block
// reports that say when a block may clear it. Whatever else clears TS
// forgets them too (set_reg of CR0, a context restore through write_state),
// so while they are kept TS is set and no run needs to look.
void GuestCpu::keep_fpu(const ArchState& s) const {
  if (running_ || !blocks_reported_ || (s.cr0 & x86::kCr0TaskSwitched) == 0) return;
  fpu_ = s.fpu;
  fpu_known_ = true;
}

// At a stop the whole state is read once and serves every reader until the
// next write or run (a ring-3 exit is captured by the context checker, then
// saved by the entry: the same registers twice). Inside a run, each call reads.
const ArchState& GuestCpu::state() const {
  if (running_) {
    read_state(scratch_state_);
    return scratch_state_;
  }
  if (!state_valid_) {
    read_state(state_);
    state_valid_ = true;
  }
  return state_;
}

void GuestCpu::write_state(const ArchState& s, const ArchState& t, bool with_fault_address) {
  // Order matters: descriptor tables before selectors (a selector write loads
  // the descriptor), selectors before bases (a null selector zeroes the base).
  // State the template already holds is not written again: control register
  // writes flush Unicorn's TLB, which costs more than the delivery, and
  // every write is a call through Unicorn's register switch.
  auto same_mmr = [](const uc_x86_mmr& a, const uc_x86_mmr& b) {
    return a.selector == b.selector && a.base == b.base && a.limit == b.limit && a.flags == b.flags;
  };
  if (s.cr0 != t.cr0) set_reg(UC_X86_REG_CR0, s.cr0);
  if (s.cr3 != t.cr3) set_reg(UC_X86_REG_CR3, s.cr3);
  if (s.cr4 != t.cr4) set_reg(UC_X86_REG_CR4, s.cr4);
  if (with_fault_address && s.cr2 != t.cr2) write_fault_address(s.cr2);
  for (int i = 0; i < 6; ++i) {
    if (s.msr[i] != t.msr[i]) set_msr(kMsrIds[i], s.msr[i]);
  }
  forget_system();  // the descriptor-table registers below are written past set_reg
  if (!same_mmr(s.gdtr, t.gdtr)) check(uc_reg_write(uc_, UC_X86_REG_GDTR, &s.gdtr), "gdtr");
  if (!same_mmr(s.idtr, t.idtr)) check(uc_reg_write(uc_, UC_X86_REG_IDTR, &s.idtr), "idtr");
  if (!same_mmr(s.tr, t.tr)) check(uc_reg_write(uc_, UC_X86_REG_TR, &s.tr), "tr");
  if (!same_mmr(s.ldtr, t.ldtr)) check(uc_reg_write(uc_, UC_X86_REG_LDTR, &s.ldtr), "ldtr");
  // A selector write loads its descriptor (from memory, through the engine's
  // slow path), so only the ones that differ; a base after a selector write
  // always (the load may have changed it).
  const bool fs_loaded = s.fs != t.fs, gs_loaded = s.gs != t.gs;
  if (s.ds != t.ds) set_reg(UC_X86_REG_DS, s.ds);
  if (s.es != t.es) set_reg(UC_X86_REG_ES, s.es);
  if (fs_loaded) set_reg(UC_X86_REG_FS, s.fs);
  if (gs_loaded) set_reg(UC_X86_REG_GS, s.gs);
  if (fs_loaded || s.fs_base != t.fs_base) set_reg(UC_X86_REG_FS_BASE, s.fs_base);
  if (gs_loaded || s.gs_base != t.gs_base) set_reg(UC_X86_REG_GS_BASE, s.gs_base);
  const X87SseState &f = s.fpu, &tf = t.fpu;
  for (int i = 0; i < 16; ++i) {
    if (f.xmm[i] != tf.xmm[i]) check(uc_reg_write(uc_, UC_X86_REG_XMM0 + i, f.xmm[i].data()), "xmm");
  }
  // The x87 state as a whole: ST(i) is relative to the stack top in FPSW.
  const bool same_x87 =
      f.mxcsr == tf.mxcsr && f.fpcw == tf.fpcw && f.fpsw == tf.fpsw && f.fptag == tf.fptag && f.st == tf.st;
  if (!same_x87) {
    check(uc_reg_write(uc_, UC_X86_REG_MXCSR, &f.mxcsr), "mxcsr");
    check(uc_reg_write(uc_, UC_X86_REG_FPCW, &f.fpcw), "fpcw");
    // The top first, then the stack.
    check(uc_reg_write(uc_, UC_X86_REG_FPSW, &f.fpsw), "fpsw");
    for (int i = 0; i < 8; ++i) check(uc_reg_write(uc_, UC_X86_REG_ST0 + i, f.st[i].data()), "st");
    check(uc_reg_write(uc_, UC_X86_REG_FPTAG, &f.fptag), "fptag");
  }
  for (int i = 0; i < 16; ++i) {
    if (s.gpr[i] != t.gpr[i]) set_reg(kGprIds[i], s.gpr[i]);
  }
  forget_registers();
  keep_fpu(s);  // the engine's now, written or the template's equal
  remember_system(s);  // the same
}

void GuestCpu::enter_ring0(const ArchState& state, std::uint16_t cs, std::uint16_t ss,
                           std::uint64_t rsp, std::uint64_t rip, std::uint64_t rflags, bool with_fault_address) {
  // The template of the state's own address space if there is one (no CR3
  // write, no TLB flush), else the latest (of the current mode).
  Ring0Template* t = template_for(state.cr3);
  if (!t) t = &templates_[latest_template_];
  forget_registers();
  forget_system();
  pending_fault_address_.reset();  // in `state` (save_state), written below if this entry takes it
  // Into the template itself (its state says so), so write_state has none
  // of them to write; CR2 so survives every entry, as on the CPU.
  auto* context = reinterpret_cast<std::uint8_t*>(t->context);
  const auto into_context = [&](int id, const std::uint64_t& value, std::uint64_t& kept) {
    if (const std::uint16_t at = in_context_[static_cast<std::size_t>(id)]; at != 0) {
      std::memcpy(context + at, &value, 8);
      kept = value;
    }
  };
  into_context(UC_X86_REG_CR2, state.cr2, t->state.cr2);
  for (std::size_t i = 0; i < 16; ++i) into_context(kGprIds[i], state.gpr[i], t->state.gpr[i]);
  check(uc_context_restore(uc_, t->context), "uc_context_restore(template)");
  const bool new_space = t->state.cr3 != state.cr3;
  write_state(state, t->state, with_fault_address);
  if (cs != t->cs) set_reg(UC_X86_REG_CS, cs);
  if (ss != t->ss) set_reg(UC_X86_REG_SS, ss);
  // A template of another address space cost a CR3 write (a TLB flush):
  // this one, in ring 0 with nothing in flight, becomes the space's own.
  // Without it a task whose kernel entries never stop in ring 0 (a switch
  // to it returns to ring 3 in the same run) pays the flush on every entry.
  if (new_space && template_cr0_ == mode_cr0(state.cr0) && template_cr4_ == state.cr4 && template_efer_ == state.msr[0]) {
    capture_ring0_template();
  }
  set_rsp_rflags_rip(rsp, rflags, rip);
}

// A #PF's delivery restores a template and writes CR2 back anyway: writing
// it here too would cost two more TLB flushes (write_fault_address), so the
// address waits for that entry (or for the next run, if none comes).
void GuestCpu::set_fault_address(VirtAddr address) {
  pending_fault_address_ = address;
  state_.cr2 = address;  // the snapshot, if valid, reads it too
}

void GuestCpu::write_fault_address(VirtAddr address) {
  // Unicorn 2.1.1 also loads CR3 from the low 32 bits of a CR2 write (fixed
  // in 2.1.2): put CR3 back. Each of the two writes flushes the engine's TLB.
  const std::uint64_t cr3 = reg(UC_X86_REG_CR3);
  set_reg(UC_X86_REG_CR2, address);
  if (reg(UC_X86_REG_CR3) != cr3) set_reg(UC_X86_REG_CR3, cr3);
}

void GuestCpu::attach(const GuestMemory& memory) {
  memory.map_into(uc_);
  memory_ = &memory;
}

// Unicorn 2.1 translates like a CPU with paging off (addresses cut to 52
// bits) unless told otherwise, so every engine takes the virtual TLB mode and
// this fill is its MMU. With the guest's paging off (the first instructions
// of the image) a page is itself; with paging on the fill walks the guest's
// page tables for the privilege the CPU runs at (Unicorn keeps one TLB per
// privilege, so a ring-0 fill never serves ring 3). The entry gets every
// permission the walk allows (granting only the one asked for makes a load
// and a store to one page evict each other). A refused access reports the
// #PF error code of the walk.
bool GuestCpu::fill_tlb(uc_engine*, std::uint64_t page, uc_mem_type type, uc_tlb_entry* entry, void* self) {
  auto* cpu = static_cast<GuestCpu*>(self);
  const bool write = type == UC_MEM_WRITE, fetch = type == UC_MEM_FETCH;
  const MmuControl mmu = cpu->mmu_control();
  const bool user = mmu.cpl == 3;
  if (cpu->taken_away(page)) {
    if (cpu->unreachable_) {
      cpu->unreachable_(cpu->unreachable_user_, page, write, fetch, page_fault_error_code(write, fetch, user));
    }
    return false;
  }
  const PageTranslation t =
      mmu.paging_on && cpu->memory_
          ? walk_page_tables(*cpu->memory_, mmu.paging, page & ~std::uint64_t{0xFFF}, {write, fetch, user})
          : PageTranslation{.ok = true, .page = page, .writable = true, .executable = true};
  if (!t.ok) {
    if (cpu->unreachable_) cpu->unreachable_(cpu->unreachable_user_, page, write, fetch, t.error_code);
    return false;
  }
  entry->paddr = t.page;
  entry->perms = static_cast<uc_prot>(UC_PROT_READ | (t.writable ? UC_PROT_WRITE : 0) | (t.executable ? UC_PROT_EXEC : 0));
  return true;
}

GuestCpu::MmuControl GuestCpu::mmu_control() const {
  if (mmu_valid_) return mmu_;
  const std::uint64_t cr0 = reg(UC_X86_REG_CR0);
  MmuControl m{.paging = {.cr3 = reg(UC_X86_REG_CR3),
                          .no_execute = (msr(kMsrEfer) & x86::kEferNoExecute) != 0,
                          .write_protect = (cr0 & x86::kCr0WriteProtect) != 0},
               .paging_on = (cr0 & x86::kCr0Paging) != 0,
               .cpl = cpl()};
  // Kept while stopped (any write forgets it), and inside a run while the
  // blocks say nothing can change it (block_ahead).
  if (!running_ || mmu_settled_) {
    mmu_ = m;
    mmu_valid_ = true;
  }
  return m;
}

PageTranslation GuestCpu::translate(VirtAddr page, const PageAccess& access) const {
  const MmuControl mmu = mmu_control();
  if (!mmu.paging_on || !memory_) return {.ok = true, .page = page, .writable = true, .executable = true};
  const VirtAddr base = page & ~std::uint64_t{0xFFF};
  KeptTranslation& kept = translation_;
  if (kept.valid && kept.page == base && kept.access.write == access.write && kept.access.fetch == access.fetch &&
      kept.access.user == access.user && kept.paging.cr3 == mmu.paging.cr3 &&
      kept.paging.no_execute == mmu.paging.no_execute && kept.paging.write_protect == mmu.paging.write_protect) {
    return kept.result;
  }
  const PageTranslation t = walk_page_tables(*memory_, mmu.paging, base, access);
  if (t.ok) kept = {true, base, access, mmu.paging, t};
  return t;
}

std::uint8_t* GuestCpu::reachable_bytes(VirtAddr address, std::uint64_t length, bool write) const {
  const VirtAddr page = address & ~std::uint64_t{0xFFF};
  if (length == 0 || ((address + length - 1) & ~std::uint64_t{0xFFF}) != page || !memory_) return nullptr;
  if (taken_away(page)) return nullptr;
  const PageTranslation t = translate(page, {write, false, mmu_control().cpl == 3});
  if (!t.ok) return nullptr;
  return memory_->physical(t.page + (address - page), length);
}

void GuestCpu::give_page_back(VirtAddr page) {
  const auto it = std::lower_bound(taken_away_.begin(), taken_away_.end(), page);
  if (it == taken_away_.end() || *it != page) return;
  taken_away_.erase(it);
  // A refused fill is not cached, so nothing to flush.
}

void GuestCpu::hook_system_call(void (*callback)(uc_engine*, void*), void* user) {
  uc_hook hook;
  check(uc_hook_add(uc_, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(callback), user, 1, 0, UC_X86_INS_SYSCALL),
        "hook syscall");
}

void GuestCpu::swapgs() {
  const std::uint64_t gs = reg(UC_X86_REG_GS_BASE);
  set_reg(UC_X86_REG_GS_BASE, msr(kMsrKernelGsBase));
  set_msr(kMsrKernelGsBase, gs);
}

void GuestCpu::take_page_away(VirtAddr page) {
  const auto it = std::lower_bound(taken_away_.begin(), taken_away_.end(), page);
  if (it != taken_away_.end() && *it == page) return;
  taken_away_.insert(it, page);
  check(uc_ctl_flush_tlb(uc_), "take a page away: flush the TLB");
}

}  // namespace pristine::sim
