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
#include "sim/saturating.h"

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

// Cycles one CPU spent in each interrupt and exception handler (exclusive:
// nested handlers are charged to their own vector), with or without a switch.
std::map<Vector, Cycles> handler_cycles_by_vector(const SimCpu& c) {
  std::map<Vector, Cycles> by_vector;
  for (PathId path = 0; path < kSyscallPathBase; ++path) {
    for (const bool switched : {false, true}) {
      for (const std::uint64_t cycles : c.accounting.samples(path, switched).cycles_exclusive) {
        by_vector[static_cast<Vector>(path)] += cycles;
      }
    }
  }
  return by_vector;
}

double percent(Cycles part, Cycles whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

ContextLimits context_limits(const Scenario& s) {
  ContextLimits limits;
  limits.max_runnable_wait = s.max_wait_ticks * (s.cpu_hz / s.tick_hz);
  return limits;
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
      hot_entry_{image_.symbol("x86_interrupt_dispatch"), image_.symbol("x86_exception_dispatch"),
                 image_.symbol("x86_syscall_dispatch")},
      user_start_(image_.symbol("__user_start")),
      user_end_(image_.symbol("__user_end")),
      alignment_checks_(image_, memory_),
      invlpg_hooks_(image_, memory_),
      rules_(image_, memory_),
      checker_(context_limits(scenario), [this](int task) { return guest_task_name(task); },
               [this](VirtAddr rip) { return image_.describe(rip); }) {
  std::fill_n(stub_page_.get(), kStubPageSize, std::uint8_t{0xF4});  // hlt
  stub_page_[0] = 0x48;  // iretq
  stub_page_[1] = 0xCF;
  secondary_entry_ = image_.find_symbol("sim_secondary_entry").value_or(0);
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
    invlpg_hooks_.install(cpu->cpu, [this, raw](VirtAddr page) { tlb_flushed(*raw, page); });
    // The boot CPU runs from reset; the others wait until the guest starts them.
    cpu->started = id == 0;
    cpu->cpu.set_reg(UC_X86_REG_RIP, id == 0 ? image_.entry() : secondary_entry_);
    cpus_.push_back(std::move(cpu));
  }
  for (std::uint32_t i = 0; i < scenario_.sources.size(); ++i) {
    sources_.emplace_back(scenario_.sources[i], scenario_.seed, i);
    const Cycles first = sources_.back().next_arrival();
    cpus_[scenario_.sources[i].cpu]->events.push({.time = first, .kind = EventKind::DeviceInterrupt, .cpu = scenario_.sources[i].cpu,
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
    info.tasks[i].program = t.program;
    info.tasks[i].priority = t.priority;
    info.tasks[i].arg = t.boot_arg();
    info.tasks[i].cpu = t.cpu.value_or(kAnyCpu);
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
      c.ran_user = true;
    } else if (const auto closed = c.accounting.close(c.cycles, c.instructions, guest_switches(c))) {
      check_eois(c, *closed);
      fault_record_closed(c, *closed);
      if (closed->resume.kernel && !closed->switched) check_kernel_resume(c, *closed);
    }
    if (PRISTINE_UNLIKELY(!unmaps_in_progress_.empty()) && c.cpu.cpl() == 3) check_shootdowns(c);
    note_context(c);
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
  if (PRISTINE_UNLIKELY(address == hot_entry_[0] || address == hot_entry_[1] || address == hot_entry_[2])) {
    check_hot_entry(c, address);
  }
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
    BlockCost priced = bytes ? costs_.price_block({bytes, size}, address) : BlockCost{1, 1};
    priced.flags |= rules_.forbidden_flags(address);
    cost = &c.blocks.insert(address, size, priced);
    check_block_rules(c, address, priced);

  }
  c.cycles += cost->cycles;
  c.instructions += cost->instructions;
  if (PRISTINE_UNLIKELY(cost->flags & kBlockForbidden) && c.accounting.depth() != 0) {
    const char* kind = (cost->flags & kBlockInAllocator)     ? "allocator-call"
                       : (cost->flags & kBlockInWaitingLock) ? "waiting-lock"
                                                             : "page-table-walk";
    rules_.flag(kind, c, c.accounting.innermost(), address, cost->cycles);
  }
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
  Cycles next = std::min(c.events.next_time(), scenario_.duration);
  if (c.timer_deadline != 0) next = std::min(next, c.timer_deadline);
  return next;
}

void Simulator::fire_due_events(SimCpu& c) {
  if (c.timer_deadline != 0 && c.timer_deadline <= c.cycles) {
    c.timer_deadline = 0;  // one-shot
    timer_expired(c);
  }
  while (!c.events.empty() && c.events.top().time <= c.cycles) {
    const Event e = c.events.pop();
    if (e.kind == EventKind::Fault) {
      inject_fault(c, e.source);
      continue;
    }
    if (e.kind == EventKind::Ipi) {
      ++totals_.injected;
      if (!c.controller.raise(e.vector)) {
        ++totals_.coalesced;
        ++ipi_coalesced_;
      }
      c.ipis_in_flight[e.vector].push_back(e.sent_at);
      continue;
    }
    ++totals_.injected;
    if (!c.controller.raise(e.vector)) ++totals_.coalesced;
    if (e.kind == EventKind::DeviceInterrupt) {
      Event next = e;
      next.time = sources_[e.source].next_arrival();
      c.events.push(next);
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
  note_context(c);
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
  if (*vector >= vectors::kIpiReschedule && *vector <= vectors::kIpiStopAll) ipi_taken(c, *vector);
  if (c.same_vector[*vector] >= 0) {
    // Raise it again while it is in service: it must wait for the EOI.
    c.events.push({.time = add_saturating(c.cycles, 300), .kind = EventKind::Raise, .vector = *vector});
    c.same_vector[*vector] = -1;
  }
  if (c.controller.deliverable()) c.poll_interrupt_flag = true;
  return true;
}

void Simulator::deliver_exception(SimCpu& c, Vector vector, DeliveryKind kind, std::uint64_t error_code) {
  const bool from_user = c.cpu.cpl() == 3;
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  c.accounting.open(vector_path(vector), c.cycles, c.instructions, guest_switches(c));
  note_context(c);
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

// Whose time it is from now on (sim/own_time.h): after every record opened
// or closed, and after every return (the kernel's first entry into a task
// closes none).
void Simulator::note_context(SimCpu& c) {
  c.own_time.change(c.cycles, c.accounting.in_handler(), guest_current_task(c));
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
  note_context(c);
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
  // One frame slot per CPU: another CPU may run before this one's stub does.
  const std::uint64_t slot = kStubFrameOffset + c.cpu.id() * 64;
  std::memcpy(stub_page_.get() + slot, frame, sizeof frame);
  c.cpu.set_reg(UC_X86_REG_RSP, kStubPage + slot);
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
      apply_board_mmu(c);
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
      const bool injected = injected_page_ != 0 && (c.bad_address & ~VirtAddr{0xFFF}) == injected_page_;
      const std::uint8_t* code = memory_.host(c.bad_access_rip, 1);
      if (code) {
        const std::uint64_t available = std::min<std::uint64_t>(64, memory_.contiguous_from(c.bad_access_rip));
        if (auto rip = fault_locator_.locate({code, available}, c.bad_access_rip, c.bad_address, c.cpu)) {
          c.cpu.set_reg(UC_X86_REG_RIP, *rip);
        }
      }
      const VirtAddr faulting_rip = c.cpu.reg(UC_X86_REG_RIP);
      deliver_exception(c, vectors::kPageFault, DeliveryKind::Exception, error);
      if (injected) restore_fault_page(faulting_rip);
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

// The CPUs take turns of scenario.quantum modeled cycles, in CPU-id order:
// each runs until its clock reaches the turn's horizon. Deterministic, and a
// CPU spinning on another's answer (a shootdown) lets it run within a turn.
Report Simulator::run() {
  Cycles horizon = 0;
  while (!finished_) {
    horizon = std::min(add_saturating(horizon, scenario_.quantum), scenario_.duration);
    for (const auto& cpu : cpus_) {
      if (cpu->started && !cpu->stopped) run_cpu(*cpu, horizon);
      if (finished_) break;
    }
    if (!finished_ && horizon >= scenario_.duration) {
      end_ = "duration";
      finished_ = true;
    }
  }
  // A page an injected fault took away and no access brought back is still
  // there in guest RAM: the report reads the task's progress through it.
  if (injected_page_ != 0) memory_.set_hole(injected_page_, false);
  return build_report();
}

void Simulator::run_cpu(SimCpu& c, Cycles horizon) {
  while (!finished_ && c.cycles < horizon) {
    if (c.exit_requested) {
      end_ = fmt::format("guest exit {}", c.exit_code);
      if (c.exit_code != 0) {
        violations_.push_back({.kind = "guest-exit",
                               .message = fmt::format("the kernel powered off with code {}", c.exit_code),
                               .cycles = c.cycles});
      }
      finished_ = true;
      return;
    }
    fire_due_events(c);
    try_deliver_interrupt(c);
    if (finished_) return;
    if (c.halted) {
      if (!(c.cpu.reg(UC_X86_REG_RFLAGS) & kFlagIf)) {
        if (c.took_stop_all) {
          c.stopped = true;  // stopped on purpose (stop-all): done for the run
          return;
        }
        fail(c, "halted", "the CPU halted with interrupts disabled");
        return;
      }
      const Cycles next = std::min(next_event_time(c), horizon);
      c.idle_cycles += next - c.cycles;
      c.cycles = next;
      continue;
    }
    c.stop_at = std::min(next_event_time(c), horizon);
    run_guest(c);
  }
}

// ---- the pristine-path rules the board sees (sim/pristine_rules.h) ------------

void Simulator::console_output(SimCpu& c) {
  if (c.accounting.depth() == 0) return;
  const VirtAddr rip = c.cpu.reg(UC_X86_REG_RIP);
  if (rules_.in_cold_path(c, rip)) return;  // an explicit slow path (PRISTINE_COLD)
  rules_.flag("console-output", c, c.accounting.innermost(), rip,
              costs_.table().events().console_char);
}

void Simulator::clock_read(SimCpu& c) {
  if (c.accounting.depth() == 0 || c.accounting.innermost_clock_reads() != PristineRules::kMaxClockReads + 1) return;
  rules_.flag("clock-busy-wait", c, c.accounting.innermost(), c.cpu.reg(UC_X86_REG_RIP), 0);
}

// ---- the board's cross-CPU registers -----------------------------------------

void Simulator::send_ipi(SimCpu& from, CpuId target, Vector vector) {
  if (target >= cpus_.size()) {
    violations_.push_back({.kind = "ipi-bad-target",
                           .message = fmt::format("CPU {} sent {} to CPU {}", from.cpu.id(),
                                                  vectors::handler_name(vector), target),
                           .symbol = image_.describe(from.cpu.reg(UC_X86_REG_RIP)),
                           .vector = vector,
                           .cycles = from.cycles});
    return;
  }
  ++ipi_sent_[vector];
  cpus_[target]->events.push({.time = add_saturating(from.cycles, costs_.table().events().ipi_latency),
                              .kind = EventKind::Ipi,
                              .cpu = target,
                              .vector = vector,
                              .sent_at = from.cycles});
}

// The APIC shorthand "all excluding self": every other CPU that runs (a CPU
// not yet started waits for its start-up and ignores it, as on the PC).
void Simulator::send_ipi_to_others(SimCpu& from, Vector vector) {
  for (const auto& cpu : cpus_) {
    if (cpu.get() != &from && cpu->started && !cpu->stopped) send_ipi(from, cpu->cpu.id(), vector);
  }
}

// The CPU took IPI `vector`: it serves every send raised so far (a send that
// found the vector pending coalesced with it, as on the APIC).
void Simulator::ipi_taken(SimCpu& c, Vector vector) {
  if (vector == vectors::kIpiStopAll) c.took_stop_all = true;
  std::deque<Cycles>& sends = c.ipis_in_flight[vector];
  if (sends.empty()) {
    violations_.push_back({.kind = "ipi-handled-twice",
                           .message = fmt::format("CPU {} took {} with no send outstanding", c.cpu.id(),
                                                  vectors::handler_name(vector)),
                           .vector = vector,
                           .cycles = c.cycles});
    return;
  }
  std::vector<Cycles>& latency = ipi_latency_[vector];
  for (const Cycles sent : sends) latency.push_back(c.cycles - sent);
  sends.clear();
}

void Simulator::start_cpu(SimCpu& from, CpuId target) {
  if (target >= cpus_.size() || cpus_[target]->started || secondary_entry_ == 0) {
    violations_.push_back({.kind = "bad-cpu-start",
                           .message = fmt::format("CPU {} asked to start CPU {}", from.cpu.id(), target),
                           .cycles = from.cycles});
    return;
  }
  SimCpu& t = *cpus_[target];
  t.started = true;
  t.cycles = from.cycles;  // one clock domain: a CPU starts at the time it was started
  t.started_at = from.cycles;
}

// The board MMU removes a page from every engine: the others' now, the
// writer's own at its next stop (not from inside its MMIO callback).
void Simulator::unmap_everywhere(SimCpu& from, VirtAddr page) {
  for (const auto& cpu : cpus_) {
    if (cpu.get() != &from) check(uc_mem_unmap(cpu->cpu.uc(), page, 0x1000), "board MMU: unmap");
  }
  from.pages_to_unmap.push_back(page);
  from.stop_at = 0;
}

// A kernel page (a stack guard).
void Simulator::unmap_kernel_page(SimCpu& from, VirtAddr page) {
  page &= ~VirtAddr{0xFFF};
  if (memory_.host(page, 0x1000) != nullptr) unmap_everywhere(from, page);
}

// A ring-3 page: every other CPU that ran ring-3 code keeps a stale
// translation in the TLB model until it executes invlpg for the page.
void Simulator::unmap_user_page(SimCpu& from, VirtAddr page) {
  page &= ~VirtAddr{0xFFF};
  if (page < user_start_ || page >= user_end_ || memory_.host(page, 0x1000) == nullptr) return;
  unmap_everywhere(from, page);
  for (const auto& cpu : cpus_) {
    if (cpu.get() != &from && cpu->ran_user && !cpu->stopped) cpu->stale_pages[page] = from.cpu.id();
  }
  unmaps_in_progress_[guest_current_task(from)].emplace_back(page, from.cpu.id());
  unmapped_user_pages_.push_back(page);
  ++shootdowns_;
}

// The board MMU maps a ring-3 page again, zero-filled (demand paging).
void Simulator::map_user_page(SimCpu& from, VirtAddr page) {
  page &= ~VirtAddr{0xFFF};
  const auto it = std::find(unmapped_user_pages_.begin(), unmapped_user_pages_.end(), page);
  if (it == unmapped_user_pages_.end()) return;  // present already (an injected fault)
  unmapped_user_pages_.erase(it);
  memory_.set_hole(page, false);
  std::memset(memory_.host(page, 0x1000), 0, 0x1000);
  for (const auto& cpu : cpus_) {
    if (cpu.get() == &from) continue;
    check(uc_mem_map_ptr(cpu->cpu.uc(), page, 0x1000, UC_PROT_ALL, memory_.host(page, 0x1000)), "board MMU: map");
  }
  from.pages_to_map.push_back(page);
  from.stop_at = 0;
}

void Simulator::apply_board_mmu(SimCpu& c) {
  for (const VirtAddr page : c.pages_to_unmap) {
    check(uc_mem_unmap(c.cpu.uc(), page, 0x1000), "board MMU: unmap");
    memory_.set_hole(page, true);
  }
  c.pages_to_unmap.clear();
  for (const VirtAddr page : c.pages_to_map) {
    check(uc_mem_map_ptr(c.cpu.uc(), page, 0x1000, UC_PROT_ALL, memory_.host(page, 0x1000)), "board MMU: map");
  }
  c.pages_to_map.clear();
}

void Simulator::tlb_flushed(SimCpu& c, VirtAddr page) {
  if (page == kFlushAll) {
    tlb_flushes_ += c.stale_pages.size();
    c.stale_pages.clear();
    c.ran_user = false;
    return;
  }
  if (c.stale_pages.erase(page) != 0) ++tlb_flushes_;
}

// A task is back in ring 3: if it unmapped pages, no other CPU may still
// cache them (the shootdown must complete before the initiator goes on).
void Simulator::check_shootdowns(SimCpu& c) {
  const auto it = unmaps_in_progress_.find(guest_current_task(c));
  if (it == unmaps_in_progress_.end()) return;
  for (const auto& [page, initiator] : it->second) {
    for (const auto& cpu : cpus_) {
      const auto stale = cpu->stale_pages.find(page);
      if (stale == cpu->stale_pages.end() || stale->second != initiator) continue;
      violations_.push_back({.kind = "shootdown-incomplete",
                             .message = fmt::format("task {} went on after unmapping page {:#x} while CPU {} still "
                                                    "cached its translation",
                                                    guest_task_name(it->first), page, cpu->cpu.id()),
                             .cycles = c.cycles});
      cpu->stale_pages.erase(stale);  // reported once
    }
  }
  unmaps_in_progress_.erase(it);
}

// ---- cold: the report -----------------------------------------------------------

// A task that wanted the CPU for a while and got less than min_cpu_share of
// that time is starved, whatever the cause (docs/scenarios.md, CPU share).
// Judged: every task but the idle tasks that wanted the CPU for at least
// kMinDemandTicks ticks and two scheduling rounds (a task that waited less
// may simply not have had its turn yet), except one that ended at least
// half its stints itself (wait, sleep, yield, exit or a fatal fault: a
// pinger, a sleeper, a yielder, a program that ended at once): it wants
// less than it is offered, so the share of its runnable time says nothing;
// its waits are latency, the turns of the tasks ahead of it, which
// max_wait_ticks bounds. The message names the cause on the task's CPU: the
// handlers (the busiest vector) or the competing tasks, whichever took more
// of it.
void Simulator::report_cpu_shares(Report& r) const {
  constexpr Cycles kMinDemandTicks = 10;
  if (scenario_.min_cpu_share <= 0) return;
  const Cycles min_demand =
      std::max(kMinDemandTicks * (scenario_.cpu_hz / scenario_.tick_hz), two_scheduling_rounds());
  for (std::size_t i = 0; i < r.tasks.size(); ++i) {
    const TaskReport& t = r.tasks[i];
    const bool gives_the_cpu_up = t.switches_in != 0 && t.gave_up * 2 >= t.switches_in;
    if (t.idle || gives_the_cpu_up || t.demand_cycles < min_demand || t.cpu_share >= scenario_.min_cpu_share) {
      continue;
    }
    if (t.cpu >= cpus_.size()) continue;
    const SimCpu& cpu = *cpus_[t.cpu];
    const Cycles total = cpu.cycles - cpu.started_at;
    const std::map<Vector, Cycles> by_vector = handler_cycles_by_vector(cpu);
    Cycles handlers = 0;
    std::optional<Vector> busiest;
    for (const auto& [vector, cycles] : by_vector) {
      handlers += cycles;
      if (!busiest || cycles > by_vector.at(*busiest)) busiest = vector;
    }
    // The other tasks' own time on this CPU, largest first.
    std::vector<std::pair<Cycles, std::size_t>> others;
    Cycles competing = 0;
    for (std::size_t j = 0; j < r.tasks.size(); ++j) {
      if (j == i || r.tasks[j].idle) continue;
      const Cycles own = cpu.own_time.own(static_cast<int>(j), cpu.cycles);
      if (own == 0) continue;
      competing += own;
      others.emplace_back(own, j);
    }
    std::stable_sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string cause = fmt::format("cpu {} spent {:.1f} % in handlers", cpu.cpu.id(), percent(handlers, total));
    std::optional<Vector> vector;
    if (handlers >= competing && busiest) {
      vector = busiest;
      cause += fmt::format(", most in {} (vector {:#x}, {:.1f} %)", vectors::handler_name(*busiest), *busiest,
                           percent(by_vector.at(*busiest), total));
    } else {
      cause += "; the competing tasks took";
      for (std::size_t k = 0; k < others.size() && k < 3; ++k) {
        cause += fmt::format("{} {} ({:.1f} %)", k == 0 ? "" : ",", r.tasks[others[k].second].name,
                             percent(others[k].first, total));
      }
    }
    r.violations.push_back({.kind = "starved",
                            .message = fmt::format("task {}: {:.1f} % of the time it was runnable ({} of {} cycles, "
                                                   "minimum {:.1f} %); {}",
                                                   t.name, t.cpu_share * 100, t.own_cycles, t.demand_cycles,
                                                   scenario_.min_cpu_share * 100, cause),
                            .vector = vector,
                            .cycles = t.own_cycles});
  }
}

// Two scheduling rounds; a round is every task's whole turn once, priority p
// taking p + 1 base slices (docs/scheduler.md; the slice as the kernel set it
// on CPU 0). Within two rounds every runnable task has had a turn, even one
// waiting behind a turn stretched by the wake-ups of tasks that outrank it.
Cycles Simulator::two_scheduling_rounds() const {
  const Cycles period = scenario_.cpu_hz / scenario_.tick_hz;
  const auto slice_ticks = memory_.read<std::uint32_t>(cpu_local_ + offsetof(CpuLocal, slice_ticks));
  const auto count = std::min(memory_.read<std::uint32_t>(tasks_ + offsetof(TaskTable, count)), kMaxTasks);
  Cycles round = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const VirtAddr task = tasks_ + offsetof(TaskTable, tasks) + i * sizeof(Task);
    const auto priority = std::min(memory_.read<std::uint32_t>(task + offsetof(Task, priority)), kMaxPriority);
    Cycles turn = 0;
    if (__builtin_mul_overflow(Cycles{priority + 1} * slice_ticks, period, &turn)) turn = UINT64_MAX;
    round = add_saturating(round, turn);
  }
  return add_saturating(round, round);
}

std::string Simulator::guest_task_name(int task) const {
  char name[kTaskNameLength] = {};
  const VirtAddr address = tasks_ + offsetof(TaskTable, tasks) + task * sizeof(Task) + offsetof(Task, name);
  std::memcpy(name, memory_.host(address, kTaskNameLength), kTaskNameLength - 1);
  return name;
}

// One path's samples over `cpus`, in CPU order.
HandlerReport Simulator::handler_report(PathId path, bool switched, const std::vector<const SimCpu*>& cpus) const {
  HandlerSamples all;
  for (const SimCpu* c : cpus) {
    const HandlerSamples& s = c->accounting.samples(path, switched);
    all.cycles.insert(all.cycles.end(), s.cycles.begin(), s.cycles.end());
    all.cycles_exclusive.insert(all.cycles_exclusive.end(), s.cycles_exclusive.begin(), s.cycles_exclusive.end());
    all.instructions.insert(all.instructions.end(), s.instructions.begin(), s.instructions.end());
    all.instructions_exclusive.insert(all.instructions_exclusive.end(), s.instructions_exclusive.begin(),
                                      s.instructions_exclusive.end());
    all.kernel_span_instructions.insert(all.kernel_span_instructions.end(), s.kernel_span_instructions.begin(),
                                        s.kernel_span_instructions.end());
    all.kernel_span_cycles.insert(all.kernel_span_cycles.end(), s.kernel_span_cycles.begin(), s.kernel_span_cycles.end());
  }
  HandlerReport h;
  if (!is_syscall_path(path)) h.vector = static_cast<Vector>(path);
  h.name = path_name(path, switched);
  h.count = all.cycles.size();
  h.cycles = Distribution::of(all.cycles);
  h.cycles_exclusive = Distribution::of(all.cycles_exclusive);
  h.instructions = Distribution::of(all.instructions);
  h.instructions_exclusive = Distribution::of(all.instructions_exclusive);
  h.kernel_span_instructions = Distribution::of(all.kernel_span_instructions);
  h.kernel_span_cycles = Distribution::of(all.kernel_span_cycles);
  const auto mean = [](const std::vector<std::uint64_t>& v) {
    std::uint64_t sum = 0;
    for (const std::uint64_t n : v) sum += n;
    return v.empty() ? 0.0 : static_cast<double>(sum) / static_cast<double>(v.size());
  };
  h.kernel_span_mean = mean(all.kernel_span_instructions);
  h.kernel_span_cycles_mean = mean(all.kernel_span_cycles);
  h.budget = scenario_.budget_for(h.name);
  return h;
}

Report Simulator::build_report() const {
  const SimCpu& c = *cpus_.front();
  Report r;
  r.scenario = scenario_.name;
  r.seed = scenario_.seed;
  r.cpus = scenario_.cpus;
  r.cpu_hz = scenario_.cpu_hz;
  r.duration = scenario_.duration;
  std::vector<const SimCpu*> all_cpus;
  for (const auto& cpu : cpus_) {
    all_cpus.push_back(cpu.get());
    r.cycles = std::max(r.cycles, cpu->cycles);
    r.idle_cycles += cpu->idle_cycles;
    r.instructions += cpu->instructions;
  }
  r.end = end_;
  // The guest may print anything: keep the report printable (and valid UTF-8).
  r.console = board_.console();
  for (char& ch : r.console) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && ch != '\n' && ch != '\t') || u >= 0x7F) ch = '?';
  }
  r.violations = violations_;
  r.violations.insert(r.violations.end(), checker_.violations().begin(), checker_.violations().end());
  const std::vector<Violation> rules = rules_.violations();
  r.violations.insert(r.violations.end(), rules.begin(), rules.end());

  std::vector<std::uint64_t> switch_cycles;
  for (PathId path = 0; path < kPathCount; ++path) {
    for (const bool switched : {false, true}) {
      HandlerReport h = handler_report(path, switched, all_cpus);
      if (h.count == 0) continue;
      if (switched) {
        for (const SimCpu* cpu : all_cpus) {
          const auto& samples = cpu->accounting.samples(path, true).cycles;
          switch_cycles.insert(switch_cycles.end(), samples.begin(), samples.end());
        }
      }
      r.handlers.push_back(std::move(h));
    }
  }

  // Per CPU: time, ticks on its own grid, its handlers. No CPU may be starved
  // of ticks, counted over what the run could observe (docs/scenarios.md,
  // "Ticks"): from the CPU's first armed deadline, less the ticks an injected
  // late timer withheld; a CPU that runs tasks without ever arming its tick
  // owes one per period since its first task; one still booting owes none.
  const Cycles period = scenario_.cpu_hz / scenario_.tick_hz;
  const Cycles boot_cpu_booted_at = c.own_time.first_task_at();
  bool boot_unfinished = false;
  for (const SimCpu* cpu : all_cpus) {
    if (!cpu->started) continue;
    CpuReport cr;
    cr.id = cpu->cpu.id();
    cr.cycles = cpu->cycles;
    cr.idle_cycles = cpu->idle_cycles;
    cr.instructions = cpu->instructions;
    cr.ticks = cpu->accounting.samples(vector_path(cpu->timer_vector), false).cycles.size() +
               cpu->accounting.samples(vector_path(cpu->timer_vector), true).cycles.size();
    bool booting = false;
    if (cpu->first_timer_deadline != 0) {
      if (cpu->cycles >= cpu->first_timer_deadline) {
        cr.expected_ticks = (cpu->cycles - cpu->first_timer_deadline) / period + 1;
        Cycles withheld = 0;
        for (const SimCpu::LateTick& late : cpu->late_ticks) {
          // The periods the delay spanned; a raise after the end withheld
          // the delayed tick itself too.
          withheld += late.due > cpu->cycles ? (cpu->cycles - late.expired) / period + 1
                                             : (late.due - late.expired) / period;
        }
        cr.expected_ticks -= std::min<std::uint64_t>(cr.expected_ticks, withheld);
      }
    } else if (const Cycles first_task = cpu->own_time.first_task_at(); first_task != 0) {
      cr.expected_ticks = (cpu->cycles - first_task) / period;
    } else if (boot_cpu_booted_at != 0 && cpu->cycles - cpu->started_at > 2 * (boot_cpu_booted_at + period)) {
      // Still not booted after twice the boot CPU's boot: it hangs, and owes
      // a tick every period since.
      cr.expected_ticks = (cpu->cycles - cpu->started_at - 2 * boot_cpu_booted_at) / period;
    } else {
      booting = true;
      if (cpu == &c) boot_unfinished = true;
    }
    cr.context_switches = guest_switches(*cpu);
    for (const auto& [vector, cycles] : handler_cycles_by_vector(*cpu)) cr.handler_cycles += cycles;
    cr.first_task_at = cpu->own_time.first_task_at();
    const VirtAddr local = cpu_local_ + cr.id * sizeof(CpuLocal);
    if (const auto timeouts = memory_.read<std::uint64_t>(local + offsetof(CpuLocal, shootdown_timeouts))) {
      r.violations.push_back({.kind = "shootdown-timeout",
                              .message = fmt::format("CPU {}: {} TLB shootdown(s) not acknowledged within the kernel's "
                                                     "bound", cr.id, timeouts),
                              .cycles = cpu->cycles});
    }
    for (PathId path = 0; path < kPathCount; ++path) {
      for (const bool switched : {false, true}) {
        HandlerReport h = handler_report(path, switched, {cpu});
        if (h.count != 0) cr.handlers.push_back(std::move(h));
      }
    }
    if (end_ == "duration" && !cpu->stopped && !booting && cr.ticks * 10 < cr.expected_ticks * 9) {
      r.violations.push_back({.kind = "tick-starved",
                              .message = fmt::format("CPU {} took {} timer ticks of {} expected", cr.id, cr.ticks,
                                                     cr.expected_ticks),
                              .cycles = cpu->cycles});
    }
    r.ticks += cr.ticks;
    r.expected_ticks += cr.expected_ticks;
    r.context_switches += cr.context_switches;
    r.per_cpu.push_back(std::move(cr));
  }

  // IPIs: every send handled exactly once, or still on its way.
  std::vector<Cycles> all_latency;
  for (const auto& [vector, sent] : ipi_sent_) {
    IpiReport::PerVector v;
    v.name = vectors::handler_name(vector);
    v.sent = sent;
    const auto it = ipi_latency_.find(vector);
    const std::vector<Cycles> none;
    const std::vector<Cycles>& latency = it == ipi_latency_.end() ? none : it->second;
    v.latency = Distribution::of(latency);
    all_latency.insert(all_latency.end(), latency.begin(), latency.end());
    r.ipis.sent += sent;
    r.ipis.handled += latency.size();
    r.ipis.vectors.push_back(std::move(v));
  }
  for (const SimCpu* cpu : all_cpus) {
    for (const auto& [vector, sends] : cpu->ipis_in_flight) r.ipis.in_flight += sends.size();
    for (const Event& e : cpu->events.pending()) {
      if (e.kind == EventKind::Ipi) ++r.ipis.in_flight;
    }
  }
  r.ipis.coalesced = ipi_coalesced_;
  r.ipis.latency = Distribution::of(all_latency);
  r.ipis.shootdowns = shootdowns_;
  r.ipis.flushes = tlb_flushes_;
  if (r.ipis.handled + r.ipis.in_flight != r.ipis.sent) {
    r.violations.push_back({.kind = "ipi-lost",
                            .message = fmt::format("{} IPIs sent, {} handled, {} still in flight", r.ipis.sent,
                                                   r.ipis.handled, r.ipis.in_flight)});
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

  // Tasks, read from the guest's exported task table. A task's progress is
  // judged once the run after boot lasted two scheduling rounds: every task
  // had a turn by then, and one that yields its turn away a second one.
  const bool progress_judged = c.cycles - boot_cpu_booted_at >= two_scheduling_rounds();
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
    t.gave_up = memory_.read<std::uint64_t>(task + offsetof(Task, gave_up));
    // The kernel adds a stint when it ends (switch_to): add the one still
    // going, and the wait of a task still queued, up to its CPU's clock at the end.
    const auto state = memory_.read<TaskState>(task + offsetof(Task, state));
    t.cpu = memory_.read<CpuId>(task + offsetof(Task, cpu));
    const Cycles end = t.cpu < cpus_.size() ? cpus_[t.cpu]->cycles : c.cycles;
    const auto tail = [&](std::size_t since_field) {
      const Cycles since = memory_.read<Cycles>(task + since_field);
      return end > since ? end - since : 0;
    };
    t.run_cycles = memory_.read<Cycles>(task + offsetof(Task, run_cycles));
    t.wait_cycles = memory_.read<Cycles>(task + offsetof(Task, wait_cycles));
    for (CpuId id = 0; id < scenario_.cpus; ++id) {
      t.idle |= memory_.read<VirtAddr>(cpu_local_ + id * sizeof(CpuLocal) + offsetof(CpuLocal, idle)) == task;
    }
    if (state == TaskState::Running) t.run_cycles += tail(offsetof(Task, running_since));
    // An idle task is never queued: its state says Runnable whenever it does not run.
    if (state == TaskState::Runnable && !t.idle) t.wait_cycles += tail(offsetof(Task, runnable_since));
    t.demand_cycles = t.run_cycles + t.wait_cycles;
    for (const SimCpu* cpu : all_cpus) {
      if (cpu->started) t.own_cycles += cpu->own_time.own(static_cast<int>(i), cpu->cycles);
    }
    t.cpu_share = t.demand_cycles == 0 ? 0.0
                                       : static_cast<double>(t.own_cycles) / static_cast<double>(t.demand_cycles);
    t.max_wait = memory_.read<Cycles>(task + offsetof(Task, max_wait));
    t.wakeups = memory_.read<std::uint64_t>(task + offsetof(Task, wakeups));
    t.max_wake_latency = memory_.read<Cycles>(task + offsetof(Task, max_wake_latency));
    t.migrations = memory_.read<std::uint64_t>(task + offsetof(Task, migrations));
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
    if (counter != 0 && t.alive && t.progress == 0 && !boot_unfinished && progress_judged) {
      r.violations.push_back({.kind = "no-progress",
                              .message = fmt::format("task {} never advanced", t.name),
                              .cycles = c.cycles});
    }
    r.tasks.push_back(std::move(t));
  }
  if (!boot_unfinished) report_cpu_shares(r);
  if (boot_unfinished && end_ == "duration") {
    // Nothing to judge: not starvation, and no task could have advanced yet.
    r.violations.push_back({.kind = "boot-unfinished",
                            .message = fmt::format("the run ended at cycle {}, before the kernel had armed its tick or "
                                                   "run a task on CPU 0: too short to judge ticks or progress; "
                                                   "lengthen the run (boot takes under 1 M cycles)",
                                                   c.cycles),
                            .cycles = c.cycles});
  }

  std::uint64_t pending = 0;
  for (const SimCpu* cpu : all_cpus) {
    if (cpu->eoi_outside_handler != 0) {
      r.violations.push_back({.kind = "eoi-outside-handler",
                              .message = fmt::format("CPU {}: {} EOI(s) written while no handler ran", cpu->cpu.id(),
                                                     cpu->eoi_outside_handler)});
    }
    pending += cpu->controller.pending_count();
  }
  finish_fault_report(c, r);  // faults are injected on the boot CPU
  r.interrupts = totals_;
  r.interrupts.pending = pending;
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
