#include "sim/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/boot_info.h"
#include "core/interrupt/vectors.h"
#include "core/cpu_local.h"
#include "core/hot_path.h"
#include "core/sched/task.h"
#include "core/user_layout.h"

namespace pristine::sim {
namespace {

// A page outside guest memory holding the simulator's iretq stub (sysret
// emulation) and the frame it returns through.
constexpr VirtAddr kStubPage = 0xFFFFFFFFFFF00000;
constexpr std::uint64_t kStubPageSize = 0x1000;
constexpr std::uint64_t kStubFrameOffset = 0x800;
constexpr std::uint64_t kFlagIf = 1u << 9;

// Unicorn callbacks: thin trampolines into the SimCpu they were registered with.
void block_hook(uc_engine*, std::uint64_t address, std::uint32_t size, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->simulator->on_block(*cpu, address, size);
}

void interrupt_hook(uc_engine* uc, std::uint32_t intno, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->exception = intno;
  cpu->iret_pending = false;  // a fault inside the iretq block: the return did not happen
  cpu->stop = StopReason::Exception;
  uc_emu_stop(uc);
}

bool bad_access_hook(uc_engine* uc, uc_mem_type type, std::uint64_t address, int, std::int64_t,
                     void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->bad_address = address;
  uc_reg_read(uc, UC_X86_REG_RIP, &cpu->bad_access_rip);  // the block start (sim/fault_locator.h)
  cpu->bad_access_write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
  cpu->bad_access_fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
  cpu->iret_pending = false;
  cpu->stop = StopReason::BadAccess;
  return false;  // let uc_emu_start fail; the run loop delivers #PF
}

// Unicorn does not execute `syscall`: it calls this hook and skips the
// instruction. Stop there (RIP is then the next instruction) and perform the
// entry host-side (Simulator::emulate_syscall).
void syscall_hook(uc_engine* uc, void* user) {
  auto* cpu = static_cast<SimCpu*>(user);
  cpu->stop = StopReason::Syscall;
  uc_emu_stop(uc);
}

}  // namespace

ContextLimits context_limits(const Scenario& s) {
  ContextLimits limits;
  limits.max_runnable_wait = s.max_wait_ticks * (s.cpu_hz / s.tick_hz);
  return limits;
}

UserProgram user_program_of(TaskProgram program) {
  switch (program) {
    case TaskProgram::Counter: return UserProgram::Counter;
    case TaskProgram::Sleeper: return UserProgram::Sleeper;
    case TaskProgram::Yielder: return UserProgram::Yielder;
    case TaskProgram::SyscallCheck: return UserProgram::SyscallCheck;
    case TaskProgram::KernelCounter: return UserProgram::KernelCounter;
    case TaskProgram::FaultDivide: return UserProgram::FaultDivide;
    case TaskProgram::FaultUd2: return UserProgram::FaultUd2;
    case TaskProgram::FaultPrivileged: return UserProgram::FaultPrivileged;
    case TaskProgram::FaultRead: return UserProgram::FaultRead;
    case TaskProgram::FaultWrite: return UserProgram::FaultWrite;
    case TaskProgram::FaultStack: return UserProgram::FaultStack;
    case TaskProgram::FaultMisaligned: return UserProgram::FaultMisaligned;
    case TaskProgram::KernelStackOverflow: return UserProgram::KernelStackOverflow;
    case TaskProgram::HeapToucher: return UserProgram::HeapToucher;
  }
  return UserProgram::Counter;
}

Simulator::Simulator(const Scenario& scenario, const std::filesystem::path& image)
    : scenario_(scenario),
      image_(GuestImage::load(image)),
      memory_(image_),
      costs_(CostTable::defaults()),
      board_(costs_.table().events(), scenario.cpu_hz),
      stub_page_(std::make_unique<std::uint8_t[]>(kStubPageSize)),
      cpu_local_(image_.symbol("_ZN8pristine11g_cpu_localE")),
      tasks_(image_.symbol("pristine_tasks")),
      hot_entry_{image_.symbol("x86_interrupt_dispatch"), image_.symbol("x86_syscall_dispatch")},
      user_start_(image_.symbol("__user_start")),
      user_end_(image_.symbol("__user_end")),
      alignment_checks_(image_, memory_),
      checker_(context_limits(scenario), [this](int task) { return guest_task_name(task); },
               [this](VirtAddr rip) { return image_.describe(rip); }) {
  std::fill_n(stub_page_.get(), kStubPageSize, std::uint8_t{0xF4});  // hlt
  stub_page_[0] = 0x48;  // iretq
  stub_page_[1] = 0xCF;
  if (scenario_.cpus != 1) {
    throw std::invalid_argument(fmt::format("{}: cpus = {}: this simulator runs 1 CPU so far",
                                            scenario_.file.string(), scenario_.cpus));
  }
  for (CpuId id = 0; id < scenario_.cpus; ++id) {
    auto cpu = std::make_unique<SimCpu>(id);
    cpu->simulator = this;
    uc_engine* uc = cpu->cpu.uc();
    memory_.map_into(uc);
    check(uc_mem_map_ptr(uc, kStubPage, kStubPageSize, UC_PROT_ALL, stub_page_.get()), "map stub page");
    // The guard page under every ring-3 stack is never mapped, as on the PC.
    const VirtAddr slots = image_.symbol("user_slots");
    for (int slot = 0; slot < PRISTINE_USER_SLOTS; ++slot) {
      check(uc_mem_unmap(uc, slots + slot * PRISTINE_USER_SLOT_SIZE, PRISTINE_USER_GUARD_SIZE), "unmap guard page");
      memory_.set_hole(slots + slot * PRISTINE_USER_SLOT_SIZE, true);
    }
    board_.attach(*cpu);
    uc_hook hook;
    check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(block_hook), cpu.get(), 1, 0),
          "hook block");
    check(uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(interrupt_hook), cpu.get(), 1, 0),
          "hook intr");
    check(uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(bad_access_hook),
                      cpu.get(), 1, 0),
          "hook mem");
    check(uc_hook_add(uc, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(syscall_hook), cpu.get(), 1, 0,
                      UC_X86_INS_SYSCALL),
          "hook syscall");
    SimCpu* raw = cpu.get();
    alignment_checks_.install(cpu->cpu, [raw](VirtAddr) {
      raw->stop = StopReason::Misaligned;
      uc_emu_stop(raw->cpu.uc());
    });
    cpu->cpu.set_reg(UC_X86_REG_RIP, image_.entry());
    cpus_.push_back(std::move(cpu));
  }
  for (std::uint32_t i = 0; i < scenario_.sources.size(); ++i) {
    sources_.emplace_back(scenario_.sources[i], scenario_.seed, i);
    const Cycles first = sources_.back().next_arrival();
    events_.push({.time = first, .kind = EventKind::DeviceInterrupt, .cpu = scenario_.sources[i].cpu,
                  .vector = scenario_.sources[i].vector, .source = i});
  }
  for (std::uint32_t i = 0; i < scenario_.faults.size(); ++i) {
    const FaultSpec& f = scenario_.faults[i];
    SourceSpec arrivals{.name = fault_kind_name(f.kind), .kind = SourceKind::Poisson, .start = f.start, .period = f.mean};
    fault_sources_.emplace_back(arrivals, scenario_.seed, 1000 + i);
    fault_injections_.push_back(0);
    schedule_fault(i);
  }
  window_swapgs_ = image_.find_symbol("interrupt_return_swapgs").value_or(0);
  write_boot_info();
}

Simulator::~Simulator() = default;

void Simulator::write_boot_info() {
  BootInfo info{};
  info.magic = kBootInfoMagic;
  info.cpu_count = scenario_.cpus;
  info.tick_hz = scenario_.tick_hz;
  info.clock_hz = scenario_.cpu_hz;
  info.task_count = static_cast<std::uint32_t>(scenario_.tasks.size());
  for (std::size_t i = 0; i < scenario_.tasks.size() && i < kMaxBootTasks; ++i) {
    const TaskSpec& t = scenario_.tasks[i];
    std::strncpy(info.tasks[i].name, t.name.c_str(), kTaskNameLength - 1);
    info.tasks[i].program = user_program_of(t.program);
    info.tasks[i].priority = t.priority;
    info.tasks[i].arg = t.sleep_ns;
  }
  memory_.write(image_.symbol("pristine_boot_info"), info);
}

// ---- the hot loop of the simulator ------------------------------------------------

// Stop before the block at `address` runs. When code hooks exist (the
// alignment checks) Unicorn does not sync RIP for a stop requested from a
// block hook and may report an older instruction, so the run loop sets RIP to
// the block start after the engine has returned (run_guest).
void Simulator::stop_before_block(SimCpu& c, VirtAddr address, StopReason reason) {
  c.stop = reason;
  c.stopped_block = address;
  uc_emu_stop(c.cpu.uc());
}

void Simulator::on_block(SimCpu& c, VirtAddr address, std::uint32_t size) {
  if (c.iret_pending) {
    c.iret_pending = false;
    if (c.cpu.cpl() == 3) {
      c.accounting.close_all(c.cycles, c.instructions, guest_switches(c), [&](const ClosedRecord& closed) {
        check_eois(c, closed);
        fault_record_closed(c, closed);
      });
      checker_.enter_user(c.cpu, guest_current_task(c), c.cycles, c.instructions);
    } else if (const auto closed = c.accounting.close(c.cycles, c.instructions, guest_switches(c))) {
      check_eois(c, *closed);
      fault_record_closed(c, *closed);
      if (closed->resume.kernel && !closed->switched) check_kernel_resume(c, *closed);
    }
  }
  // sti / mov ss hold off interrupts for one instruction: never stop right after one.
  if (!(c.last_block_flags & kBlockEndsWithSti)) {
    if (c.cycles >= c.stop_at) {
      stop_before_block(c, address, StopReason::EventDue);
      return;
    }
    if (c.poll_interrupt_flag && (c.cpu.reg(UC_X86_REG_RFLAGS) & kFlagIf)) {
      stop_before_block(c, address, StopReason::InterruptOpen);
      return;
    }
  }
  if (PRISTINE_UNLIKELY(address == hot_entry_[0] || address == hot_entry_[1])) check_hot_entry(c, address);
  if (PRISTINE_UNLIKELY(c.window_nmi >= 0 && address == window_swapgs_ && !c.nmi_blocked)) {
    stop_before_block(c, address, StopReason::SwapgsWindow);
    return;
  }
  if (PRISTINE_UNLIKELY(address - kStubPage < kStubPageSize)) {
    // The simulator's own sysret stub: its cost is the sysret's, charged already.
    c.iret_pending = true;
    c.last_block_flags = kBlockEndsWithIret;
    return;
  }
  const BlockCost* cost = c.blocks.find(address, size);
  if (!cost) {
    const std::uint8_t* bytes = memory_.host(address, size);
    const BlockCost priced = bytes ? costs_.price_block({bytes, size}, address) : BlockCost{1, 1};
    cost = &c.blocks.insert(address, size, priced);
    check_block_rules(c, address, priced);

  }
  c.cycles += cost->cycles;
  c.instructions += cost->instructions;
  c.iret_pending = (cost->flags & kBlockEndsWithIret) != 0;
  c.last_block_flags = cost->flags;
}

// Rules for guest code on this board, checked once per translated block.
void Simulator::check_block_rules(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  if (cost.flags & kBlockHasRdtsc) {
    violations_.push_back({.kind = "rdtsc",
                           .message = "guest code reads rdtsc (host time under Unicorn); use the board clock",
                           .symbol = image_.describe(address),
                           .rip = address,
                           .cycles = c.cycles});
  }
  if (cost.flags & kBlockHasPortIo) {
    violations_.push_back({.kind = "port-io",
                           .message = "guest code uses port I/O; the simulated board has only MMIO registers",
                           .symbol = image_.describe(address),
                           .rip = address,
                           .cycles = c.cycles});
  }
}

Cycles Simulator::next_event_time(const SimCpu& c) const {
  Cycles next = std::min(events_.next_time(), scenario_.duration);
  if (c.timer_deadline != 0) next = std::min(next, c.timer_deadline);
  return next;
}

void Simulator::fire_due_events(SimCpu& c) {
  if (c.timer_deadline != 0 && c.timer_deadline <= c.cycles) {
    c.timer_deadline = 0;  // one-shot
    timer_expired(c);
  }
  while (!events_.empty() && events_.top().time <= c.cycles) {
    const Event e = events_.pop();
    if (e.kind == EventKind::Fault) {
      inject_fault(c, e.source);
      continue;
    }
    ++totals_.injected;
    if (!c.controller.raise(e.vector)) ++totals_.coalesced;
    if (e.kind == EventKind::DeviceInterrupt) {
      Event next = e;
      next.time = sources_[e.source].next_arrival();
      events_.push(next);
    }
  }
}

bool Simulator::try_deliver_interrupt(SimCpu& c) {
  if (try_deliver_nmi(c)) return true;
  const auto vector = c.controller.deliverable();
  c.poll_interrupt_flag = false;
  if (!vector) return false;
  if (!interrupt_window_open(c.cpu.reg(UC_X86_REG_RFLAGS), c.last_block_flags)) {
    c.poll_interrupt_flag = true;
    return false;
  }
  c.controller.accept(*vector);
  const bool from_user = c.cpu.cpl() == 3;
  c.accounting.open(vector_path(*vector), c.cycles, c.instructions, guest_switches(c),
                    {c.cpu.reg(UC_X86_REG_RSP), c.cpu.reg(UC_X86_REG_RIP), !from_user});
  if (from_user) checker_.leave_user(c.cpu, guest_current_task(c), vector_path(*vector), c.cycles, c.instructions);
  if (*vector == c.timer_vector) check_waits(c);
  const DeliveryOutcome out = deliver(c.cpu, memory_, {*vector, DeliveryKind::External, 0});
  if (!out.delivered) {
    fail(c, "triple-fault", out.failure, *vector);
    return false;
  }
  const EventCosts& e = costs_.table().events();
  c.cycles += from_user ? e.interrupt_delivery_from_user : e.interrupt_delivery_same_ring;
  ++totals_.delivered;
  c.halted = false;
  c.last_block_flags = 0;
  if (c.same_vector[*vector] >= 0) {
    // Raise it again while it is in service: it must wait for the EOI.
    events_.push({.time = c.cycles + 300, .kind = EventKind::Raise, .vector = *vector});
    c.same_vector[*vector] = -1;
  }
  if (c.controller.deliverable()) c.poll_interrupt_flag = true;
  return true;
}

void Simulator::deliver_exception(SimCpu& c, Vector vector, DeliveryKind kind, std::uint64_t error_code) {
  const bool from_user = c.cpu.cpl() == 3;
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  c.accounting.open(vector_path(vector), c.cycles, c.instructions, guest_switches(c));
  if (from_user) checker_.leave_user(c.cpu, guest_current_task(c), vector_path(vector), c.cycles, c.instructions);
  const DeliveryOutcome out = deliver(c.cpu, memory_, {vector, kind, error_code});
  if (!out.delivered) {
    fail(c, "triple-fault", out.failure, vector);
    return;
  }
  if (!from_user && kind == DeliveryKind::Exception) {
    // What the CPU finally delivered: a fault that could not be delivered
    // (e.g. #PF on an overflowed stack) escalated to #DF.
    violations_.push_back({.kind = "kernel-fault",
                           .message = out.vector == vector
                                          ? fmt::format("{} in ring 0", vectors::handler_name(vector))
                                          : fmt::format("{} in ring 0, escalated to {}", vectors::handler_name(vector),
                                                        vectors::handler_name(out.vector)),
                           .symbol = image_.describe(rip),
                           .rip = rip,
                           .vector = out.vector,
                           .cycles = c.cycles});
  }
  const EventCosts& e = costs_.table().events();
  c.cycles += (from_user ? e.interrupt_delivery_from_user : e.interrupt_delivery_same_ring) +
              e.exception_delivery;
  c.last_block_flags = 0;
}

// Exactly one EOI per delivered non-spurious interrupt, none for spurious
// ones, exceptions or syscalls (the xAPIC retires the highest in-service
// vector per EOI: a missing or extra one corrupts its state, SDM Vol. 3 11.8.5).
void Simulator::check_eois(SimCpu& c, const ClosedRecord& closed) {
  const bool interrupt = !is_syscall_path(closed.path) && !vectors::is_exception(static_cast<Vector>(closed.path));
  const bool spurious = closed.path == vectors::kSpurious;
  const std::uint32_t expected = interrupt && !spurious ? 1 : 0;
  if (closed.eois == expected) return;
  const char* kind = spurious ? "eoi-for-spurious" : closed.eois > expected ? "double-eoi" : "missing-eoi";
  for (const Violation& v : violations_) {
    if (v.kind == kind) return;
  }
  violations_.push_back({.kind = kind,
                         .message = fmt::format("{} wrote {} EOI(s), expected {}", path_name(closed.path, false),
                                                closed.eois, expected),
                         .symbol = image_.describe(c.cpu.reg(UC_X86_REG_RIP)),
                         .rip = c.cpu.reg(UC_X86_REG_RIP),
                         .vector = is_syscall_path(closed.path) ? std::nullopt
                                                                : std::optional<Vector>(static_cast<Vector>(closed.path)),
                         .cycles = c.cycles});
}

// At the C++ entry of every hot path: the kernel's GS base, and a kernel stack.
void Simulator::check_hot_entry(SimCpu& c, VirtAddr address) {
  const VirtAddr rsp = c.cpu.reg(UC_X86_REG_RSP);
  const VirtAddr gs_base = c.cpu.reg(UC_X86_REG_GS_BASE);
  auto report = [&](const char* kind, std::string message) {
    for (const Violation& v : violations_) {
      if (v.kind == kind) return;
    }
    violations_.push_back({.kind = kind,
                           .message = std::move(message),
                           .symbol = image_.describe(address),
                           .rip = address,
                           .cycles = c.cycles});
  };
  if (rsp >= user_start_ && rsp < user_end_) {
    report("user-stack", fmt::format("a handler runs on the user stack (rsp {:#x})", rsp));
  }
  if (gs_base < 0xFFFF800000000000) {
    report("gs-base-kernel", fmt::format("a handler runs with the user's GS base {:#x} (a missing swapgs)", gs_base));
  }
}

// A ring-0 context interrupted and resumed without a switch must come back
// exactly where it was: same RIP, same RSP (64-bit iretq pops SS:RSP even
// within ring 0; a bad frame here is seed 001's "bogus RSP" resume).
void Simulator::check_kernel_resume(SimCpu& c, const ClosedRecord& closed) {
  const VirtAddr rsp = c.cpu.reg(UC_X86_REG_RSP);
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  if (rsp == closed.resume.rsp && rip == closed.resume.rip) return;
  for (const Violation& v : violations_) {
    if (v.kind == "rsp-unbalanced") return;  // once per run is evidence enough
  }
  violations_.push_back({.kind = "rsp-unbalanced",
                         .message = fmt::format("ring-0 context resumed after {} at rsp {:#x} rip {:#x}, interrupted "
                                                "at rsp {:#x} rip {:#x}",
                                                path_name(closed.path, false), rsp, rip, closed.resume.rsp,
                                                closed.resume.rip),
                         .symbol = image_.describe(closed.resume.rip),
                         .rip = rip,
                         .vector = is_syscall_path(closed.path) ? std::nullopt
                                                                : std::optional<Vector>(static_cast<Vector>(closed.path)),
                         .cycles = c.cycles});
}

int Simulator::guest_current_task(const SimCpu& c) const {
  const VirtAddr current =
      memory_.read_or<VirtAddr>(cpu_local_ + c.cpu.id() * sizeof(CpuLocal) + offsetof(CpuLocal, current), 0);
  const VirtAddr first = tasks_ + offsetof(TaskTable, tasks);
  if (current < first || current >= first + kMaxTasks * sizeof(Task)) return -1;
  return static_cast<int>((current - first) / sizeof(Task));
}

TaskState Simulator::guest_task_state(int task) const {
  return memory_.read<TaskState>(tasks_ + offsetof(TaskTable, tasks) + task * sizeof(Task) + offsetof(Task, state));
}

void Simulator::check_waits(const SimCpu& c) {
  const int count = static_cast<int>(std::min<std::uint32_t>(memory_.read<std::uint32_t>(tasks_), kMaxTasks));
  // Ring-3 tasks only: the idle task waits by design.
  checker_.check_waits(c.cycles, count, [this](int task) {
    const VirtAddr t = tasks_ + offsetof(TaskTable, tasks) + task * sizeof(Task);
    return memory_.read<std::uint32_t>(t + offsetof(Task, is_user)) != 0 && guest_task_state(task) == TaskState::Runnable;
  });
}

std::uint64_t Simulator::guest_switches(const SimCpu& c) const {
  return memory_.read<std::uint64_t>(cpu_local_ + c.cpu.id() * sizeof(CpuLocal) + offsetof(CpuLocal, switches));
}

// SYSCALL (SDM Vol. 2B): RCX <- RIP of the next instruction, R11 <- RFLAGS,
// RFLAGS &= ~SFMASK, CS/SS from STAR[47:32], RIP <- LSTAR, CPL 0; RSP unchanged.
void Simulator::emulate_syscall(SimCpu& c) {
  const std::uint64_t lstar = c.cpu.msr(kMsrLstar);
  if (lstar == 0) {
    deliver_exception(c, vectors::kInvalidOpcode, DeliveryKind::Exception, 0);
    return;
  }
  ArchState state = c.cpu.save_state();
  c.accounting.open(syscall_path(state.gpr[0]), c.cycles, c.instructions, guest_switches(c));
  if (c.cpu.cpl() == 3) {
    checker_.leave_user(c.cpu, guest_current_task(c), syscall_path(state.gpr[0]), c.cycles, c.instructions);
  }
  const std::uint64_t star = c.cpu.msr(kMsrStar);
  const std::uint64_t sfmask = c.cpu.msr(kMsrSfmask);
  const auto cs = static_cast<std::uint16_t>((star >> 32) & 0xFFFC);
  state.gpr[2] = state.rip;     // RCX
  state.gpr[11] = state.rflags;  // R11
  const std::uint64_t rflags = (state.rflags & ~sfmask) | 2;
  c.cpu.enter_ring0(state, cs, static_cast<std::uint16_t>(cs + 8), state.gpr[7], lstar, rflags);
  c.cycles += costs_.table().events().syscall_entry;
  c.last_block_flags = 0;
}

// SYSRETQ raises #UD in Unicorn (EFER.SCE cannot be set). Perform it as the
// CPU would (SDM Vol. 2B): RIP <- RCX, RFLAGS <- R11 & 0x3C7FD7 | 2, CS/SS
// from STAR[63:48] + 16 / + 8 with RPL 3, CPL 3; RSP unchanged. The CPL change
// itself is done by running an iretq from the simulator's stub page with an
// equivalent frame; the stub is not charged, the sysret cost is.
bool Simulator::emulate_sysret(SimCpu& c) {
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  const std::uint8_t* code = memory_.host(rip, 3);
  if (!code || code[0] != 0x48 || code[1] != 0x0f || code[2] != 0x07 || c.cpu.cpl() != 0) return false;
  const std::uint64_t target = c.cpu.reg(UC_X86_REG_RCX);
  if (static_cast<std::uint64_t>(static_cast<std::int64_t>(target << 16) >> 16) != target) {
    // A non-canonical RCX faults in ring 0 (Intel), on the user stack: a kernel bug.
    deliver_exception(c, vectors::kGeneralProtection, DeliveryKind::Exception, 0);
    return true;
  }
  const std::uint64_t base = (c.cpu.msr(kMsrStar) >> 48) & 0xFFFC;
  const std::uint64_t frame[5] = {target, (base + 16) | 3, (c.cpu.reg(UC_X86_REG_R11) & 0x3C7FD7) | 2,
                                  c.cpu.reg(UC_X86_REG_RSP), (base + 8) | 3};
  std::memcpy(stub_page_.get() + kStubFrameOffset, frame, sizeof frame);
  c.cpu.set_reg(UC_X86_REG_RSP, kStubPage + kStubFrameOffset);
  c.cpu.set_reg(UC_X86_REG_RIP, kStubPage);
  // The block that ended in sysretq was already counted, sysretq included.
  c.cycles += costs_.table().events().sysret_exit;
  return true;
}

void Simulator::refresh_template(SimCpu& c) {
  // Re-capture the ring-0 template whenever the guest changed its mode
  // (CR0/CR4/EFER), at a stop in ring 0 (see GuestCpu::template_is_current).
  if (c.cpu.cpl() == 0 && !c.cpu.template_is_current()) c.cpu.capture_ring0_template();
}

void Simulator::run_guest(SimCpu& c) {
  c.stop = StopReason::None;
  c.exception.reset();
  const uc_err err = uc_emu_start(c.cpu.uc(), c.cpu.reg(UC_X86_REG_RIP), 0, 0, 0);
  if (c.stop == StopReason::EventDue || c.stop == StopReason::InterruptOpen || c.stop == StopReason::SwapgsWindow) {
    c.cpu.set_reg(UC_X86_REG_RIP, c.stopped_block);
  }
  switch (c.stop) {
    case StopReason::EventDue:
    case StopReason::InterruptOpen:
      for (const VirtAddr page : c.pages_to_unmap) {
        check(uc_mem_unmap(c.cpu.uc(), page, 0x1000), "board MMU: unmap");
        memory_.set_hole(page, true);
      }
      c.pages_to_unmap.clear();
      refresh_template(c);
      return;
    case StopReason::Exception: {
      const std::uint32_t intno = *c.exception;
      // int n / int3 arrive with RIP after the instruction; the rest are CPU faults.
      const bool software = intno >= vectors::kExceptionCount || intno == vectors::kBreakpoint;
      deliver_exception(c, static_cast<Vector>(intno),
                        software ? DeliveryKind::Software : DeliveryKind::Exception, 0);
      return;
    }
    case StopReason::BadAccess: {
      // No page tables in the simulator image yet: an access outside guest
      // memory is what a not-present page would be, so deliver #PF (SDM 4.7).
      const bool user = c.cpu.cpl() == 3;
      const std::uint64_t error = (c.bad_access_write ? 2 : 0) | (user ? 4 : 0) |
                                  (c.bad_access_fetch ? 0x10 : 0);
      c.cpu.set_reg(UC_X86_REG_CR2, c.bad_address);
      const bool injected = c.fault_page != 0 && (c.bad_address & ~VirtAddr{0xFFF}) == c.fault_page;
      const std::uint8_t* code = memory_.host(c.bad_access_rip, 1);
      if (code) {
        const std::uint64_t available = std::min<std::uint64_t>(64, memory_.contiguous_from(c.bad_access_rip));
        if (auto rip = fault_locator_.locate({code, available}, c.bad_access_rip, c.bad_address, c.cpu)) {
          c.cpu.set_reg(UC_X86_REG_RIP, *rip);
        }
      }
      const VirtAddr faulting_rip = c.cpu.reg(UC_X86_REG_RIP);
      deliver_exception(c, vectors::kPageFault, DeliveryKind::Exception, error);
      if (injected) restore_fault_page(c, faulting_rip);
      return;
    }
    case StopReason::Syscall:
      emulate_syscall(c);
      return;
    case StopReason::SwapgsWindow:
      inject_window_nmi(c);
      return;
    case StopReason::Misaligned:
      // RIP is the instruction (the hook runs before it): #GP(0) as on the CPU.
      deliver_exception(c, vectors::kGeneralProtection, DeliveryKind::Exception, 0);
      return;

    case StopReason::None:
      break;
  }
  if (err == UC_ERR_INSN_INVALID) {
    if (!emulate_sysret(c)) deliver_exception(c, vectors::kInvalidOpcode, DeliveryKind::Exception, 0);
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

void Simulator::fail(SimCpu& c, std::string kind, std::string message, std::optional<Vector> vector) {
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  violations_.push_back({.kind = std::move(kind),
                         .message = std::move(message),
                         .symbol = image_.describe(rip),
                         .rip = rip,
                         .vector = vector,
                         .cycles = c.cycles});
  end_ = violations_.back().kind;
  finished_ = true;
}

Report Simulator::run() {
  SimCpu& c = *cpus_.front();
  while (!finished_) {
    if (c.exit_requested) {
      end_ = fmt::format("guest exit {}", c.exit_code);
      if (c.exit_code != 0) {
        violations_.push_back({.kind = "guest-exit",
                               .message = fmt::format("the kernel powered off with code {}", c.exit_code),
                               .cycles = c.cycles});
      }
      break;
    }
    fire_due_events(c);
    if (c.cycles >= scenario_.duration) {
      end_ = "duration";
      break;
    }
    try_deliver_interrupt(c);
    if (finished_) break;
    if (c.halted) {
      if (!(c.cpu.reg(UC_X86_REG_RFLAGS) & kFlagIf)) {
        fail(c, "halted", "the CPU halted with interrupts disabled");
        break;
      }
      const Cycles next = next_event_time(c);
      c.idle_cycles += next - c.cycles;
      c.cycles = next;
      continue;
    }
    c.stop_at = next_event_time(c);
    run_guest(c);
  }
  return build_report(c);
}

// ---- cold: the report -----------------------------------------------------------

std::string Simulator::guest_task_name(int task) const {
  char name[kTaskNameLength] = {};
  const VirtAddr address = tasks_ + offsetof(TaskTable, tasks) + task * sizeof(Task) + offsetof(Task, name);
  std::memcpy(name, memory_.host(address, kTaskNameLength), kTaskNameLength - 1);
  return name;
}

Report Simulator::build_report(const SimCpu& c) const {
  Report r;
  r.scenario = scenario_.name;
  r.seed = scenario_.seed;
  r.cpus = scenario_.cpus;
  r.cpu_hz = scenario_.cpu_hz;
  r.duration = scenario_.duration;
  r.cycles = c.cycles;
  r.idle_cycles = c.idle_cycles;
  r.instructions = c.instructions;
  r.end = end_;
  // The guest may print anything: keep the report printable (and valid UTF-8).
  r.console = board_.console();
  for (char& ch : r.console) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && ch != '\n' && ch != '\t') || u >= 0x7F) ch = '?';
  }
  r.violations = violations_;
  r.violations.insert(r.violations.end(), checker_.violations().begin(), checker_.violations().end());

  std::vector<std::uint64_t> switch_cycles;
  for (PathId path = 0; path < kPathCount; ++path) {
    for (const bool switched : {false, true}) {
      const HandlerSamples& s = c.accounting.samples(path, switched);
      if (s.cycles.empty()) continue;
      HandlerReport h;
      if (!is_syscall_path(path)) h.vector = static_cast<Vector>(path);
      h.name = path_name(path, switched);
      h.count = s.cycles.size();
      h.cycles = Distribution::of(s.cycles);
      h.cycles_exclusive = Distribution::of(s.cycles_exclusive);
      h.instructions = Distribution::of(s.instructions);
      h.instructions_exclusive = Distribution::of(s.instructions_exclusive);
      h.budget = scenario_.budget_for(h.name);
      r.handlers.push_back(std::move(h));
      if (switched) switch_cycles.insert(switch_cycles.end(), s.cycles.begin(), s.cycles.end());
    }
  }
  r.switch_cycles = Distribution::of(switch_cycles);
  r.switch_count = switch_cycles.size();
  for (const HandlerReport& h : r.handlers) {
    if (!h.within_budget()) {
      r.violations.push_back({.kind = "budget",
                              .message = fmt::format("{} took {} cycles, budget {}", h.name,
                                                     h.cycles_exclusive.max, h.budget),
                              .vector = h.vector,
                              .cycles = h.cycles_exclusive.max});
    }
  }

  // Tasks, read from the guest's exported task table.
  const VirtAddr table = tasks_;
  const auto count = std::min<std::uint32_t>(memory_.read<std::uint32_t>(table), kMaxTasks);
  for (std::uint32_t i = 0; i < count; ++i) {
    const VirtAddr task = table + offsetof(TaskTable, tasks) + i * sizeof(Task);
    TaskReport t;
    char name[kTaskNameLength] = {};
    std::memcpy(name, memory_.host(task + offsetof(Task, name), kTaskNameLength), kTaskNameLength - 1);
    t.name = name;
    t.user = memory_.read<std::uint32_t>(task + offsetof(Task, is_user)) != 0;
    t.alive = memory_.read<TaskState>(task + offsetof(Task, state)) != TaskState::Dead;
    t.ticks = memory_.read<std::uint64_t>(task + offsetof(Task, ticks_run));
    t.switches_in = memory_.read<std::uint64_t>(task + offsetof(Task, switches_in));
    t.run_cycles = memory_.read<Cycles>(task + offsetof(Task, run_cycles));
    t.max_wait = memory_.read<Cycles>(task + offsetof(Task, max_wait));
    t.wakeups = memory_.read<std::uint64_t>(task + offsetof(Task, wakeups));
    t.max_wake_latency = memory_.read<Cycles>(task + offsetof(Task, max_wake_latency));
    if (!t.alive) t.exit_code = memory_.read<std::int64_t>(task + offsetof(Task, exit_code));
    const auto fault_vector = memory_.read<std::uint32_t>(task + offsetof(Task, fault_vector));
    if (fault_vector != kNoFault) {
      t.fault = TaskFault{static_cast<Vector>(fault_vector), memory_.read<VirtAddr>(task + offsetof(Task, fault_ip)),
                          memory_.read<std::uint64_t>(task + offsetof(Task, fault_error)),
                          memory_.read<VirtAddr>(task + offsetof(Task, fault_address))};
    }
    if (t.user) r.max_wait = std::max(r.max_wait, t.max_wait);
    const VirtAddr counter = memory_.read<VirtAddr>(task + offsetof(Task, progress_counter));
    if (counter != 0) t.progress = memory_.read_or<std::uint64_t>(counter, 0);
    if (counter != 0 && t.alive && t.progress == 0) {
      r.violations.push_back({.kind = "no-progress",
                              .message = fmt::format("task {} never advanced", t.name),
                              .cycles = c.cycles});
    }
    r.tasks.push_back(std::move(t));
  }

  r.ticks = c.accounting.samples(vector_path(c.timer_vector), false).cycles.size() +
            c.accounting.samples(vector_path(c.timer_vector), true).cycles.size();
  // Ticks on the grid that starts at the guest's first deadline.
  const Cycles period = scenario_.cpu_hz / scenario_.tick_hz;
  if (c.first_timer_deadline != 0 && c.cycles >= c.first_timer_deadline) {
    r.expected_ticks = (c.cycles - c.first_timer_deadline) / period + 1;
  }
  r.context_switches = guest_switches(c);

  if (c.eoi_outside_handler != 0) {
    r.violations.push_back({.kind = "eoi-outside-handler",
                            .message = fmt::format("{} EOI(s) written while no handler ran", c.eoi_outside_handler)});
  }
  finish_fault_report(c, r);
  r.interrupts = totals_;
  r.interrupts.pending = c.controller.pending_count();
  const std::uint64_t accounted = r.interrupts.delivered + r.interrupts.coalesced + r.interrupts.pending;
  r.interrupts.lost = r.interrupts.injected > accounted ? r.interrupts.injected - accounted : 0;
  if (r.interrupts.lost != 0) {
    r.violations.push_back({.kind = "lost-interrupt",
                            .message = fmt::format("{} interrupts neither delivered, coalesced nor pending",
                                                   r.interrupts.lost)});
  }
  return r;
}

}  // namespace pristine::sim
