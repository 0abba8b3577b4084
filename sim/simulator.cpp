#include "sim/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/boot_info.h"
#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "core/user_layout.h"
#include "sim/end_of_run_checks.h"
#include "sim/report_builder.h"
#include "sim/saturating.h"
#include "core/drivers/uart_payload.h"
#include "sim/x86_64/page_walk.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

// What the instruction hooks look for, in hook_sites_ order.
enum HookedInstruction { kMisalignable, kTlbFlush, kSysret };
constexpr InstructionMatch kHookedInstructions[] = {AlignmentChecks::matches, InvlpgHooks::matches,
                                                    SyscallEmulation::matches};

// A refused TLB fill knows only the page.
constexpr std::uint64_t kTlbFillSpan = 0x1000;

// Unicorn callbacks: thin trampolines into the SimCpu they were registered with.
void block_hook(uc_engine*, std::uint64_t address, std::uint32_t size, void* user) {
  auto* hook = static_cast<Simulator::BlockHook*>(user);
  hook->simulator->on_block(*hook->cpu, address, size);
}

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
  note_bad_access(cpu, address, 1, cpu->cpu.pc(), write, fetch,
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

ContextLimits context_limits(const Scenario& s) {
  ContextLimits limits;
  limits.max_runnable_wait = s.max_wait_ticks * (s.cpu_hz / s.tick_hz);
  return limits;
}

namespace {

// This run loop drives the x86-64 engine (sim/x86_64/); an AArch64 image
// is refused by name rather than run into an engine of the wrong CPU.
GuestImage load_x86_64_image(const std::filesystem::path& file) {
  GuestImage image = GuestImage::load(file);
  if (image.architecture() != GuestArchitecture::X86_64) {
    throw ImageError(fmt::format("{}: an AArch64 image: the simulator's run loop runs x86-64 images only so far "
                                 "(docs/aarch64.md, \"The simulator's AArch64 engine\")",
                                 file.string()));
  }
  return image;
}

// The same for a scenario written for another CPU: refused at its `arch` key.
const Scenario& x86_64_scenario(const Scenario& scenario) {
  if (scenario.arch != GuestArchitecture::X86_64) {
    throw ScenarioError(scenario.file.string(), scenario.arch_line, "scenario.arch",
                        fmt::format("{}: the simulator's run loop runs x86-64 only so far (docs/aarch64.md); "
                                    "QEMU runs it: pristine boot --scenario {}",
                                    architecture_name(scenario.arch), scenario.file.string()));
  }
  return scenario;
}

}  // namespace

Simulator::Simulator(const Scenario& scenario, const std::filesystem::path& image)
    : scenario_(x86_64_scenario(scenario)),
      image_(load_x86_64_image(image)),
      memory_(image_),
      costs_(CostTable::defaults()),
      board_(costs_.table().events().board, scenario.cpu_hz),
      kernel_(image_, memory_),
      invariants_(image_, violations_),
      rules_(image_, memory_),
      checker_(context_limits(scenario), [this](int task) { return kernel_.task_name(task); },
               [this](VirtAddr rip) { return image_.describe(rip); }),
      hook_sites_(find_instructions(image_, kHookedInstructions)),
      alignment_checks_(memory_, std::move(hook_sites_[kMisalignable])),
      invlpg_hooks_(memory_, std::move(hook_sites_[kTlbFlush])),
      syscalls_(memory_, std::move(hook_sites_[kSysret])),
      tlb_(scenario.cpus, violations_, [this](int task) { return kernel_.task_name(task); }),
      user_start_(image_.symbol("__user_start")),
      user_end_(image_.symbol("__user_end")),
      interconnect_({cpus_, image_, costs_.table().events().board, tlb_, rules_, violations_}),
      faults_({scenario_, cpus_, memory_, image_, kernel_, costs_.table()}),
      uart0_(costs_.table().events().board, uart0_vector()),
      nic0_(costs_.table().events().board, nic0_vector(), memory_, scenario.cpu_hz),
      profiles_(scenario.cpus) {
  const VirtAddr secondary_entry = image_.find_symbol("sim_secondary_entry").value_or(0);
  for (CpuId id = 0; id < scenario_.cpus; ++id) {
    auto cpu = std::make_unique<SimCpu>(id);
    cpu->bus = &interconnect_;
    uc_engine* uc = cpu->cpu.uc();
    cpu->cpu.attach(memory_);
    cpu->cpu.on_unreachable(unreachable_page, cpu.get());
    board_.attach(*cpu);
    uart0_.attach(*cpu);
    nic0_.attach(*cpu);
    uc_hook hook;
    block_hooks_.push_back(std::make_unique<BlockHook>(BlockHook{this, cpu.get()}));
    check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(block_hook), block_hooks_.back().get(), 1, 0),
          "hook block");
    cpu->cpu.reports_blocks();  // on_block: GuestCpu::block_ahead
    check(uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(interrupt_hook), cpu.get(), 1, 0),
          "hook intr");
    check(uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(bad_access_hook),
                      cpu.get(), 1, 0),
          "hook mem");
    cpu->cpu.hook_system_call(syscall_hook, cpu.get());
    SimCpu* raw = cpu.get();
    alignment_checks_.install(cpu->cpu, [raw](VirtAddr) {
      raw->stop = StopReason::Misaligned;
      uc_emu_stop(raw->cpu.uc());
    });
    syscalls_.install(cpu->cpu, [raw] {
      raw->stop = StopReason::SysretNonCanonical;
      uc_emu_stop(raw->cpu.uc());
    });
    invlpg_hooks_.install(cpu->cpu, [this, raw](VirtAddr page) { page_flushed(*raw, page); });
    // The boot CPU runs from reset; the others wait until the guest starts them.
    cpu->started = id == 0;
    cpu->cpu.set_pc(id == 0 ? image_.entry() : secondary_entry);
    cpus_.push_back(std::move(cpu));
  }
  for (std::uint32_t i = 0; i < scenario_.sources.size(); ++i) {
    if (scenario_.sources[i].driver == static_cast<std::uint32_t>(drivers::DriverId::Uart0)) uart0_driven_ = true;
    if (scenario_.sources[i].driver == static_cast<std::uint32_t>(drivers::DriverId::Nic0)) nic0_driven_ = true;
    sources_.emplace_back(scenario_.sources[i], scenario_.seed, i);
    const Cycles first = sources_.back().next_arrival();
    cpus_[scenario_.sources[i].cpu]->events.push({.time = first, .kind = EventKind::DeviceInterrupt,
                                                  .cpu = scenario_.sources[i].cpu,
                                                  .vector = scenario_.sources[i].vector, .source = i});
  }
  faults_.arm();
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
  if (uart0_driven_) info.drivers |= drivers::driver_bit(drivers::DriverId::Uart0);
  if (nic0_driven_) info.drivers |= drivers::driver_bit(drivers::DriverId::Nic0);
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

// Once per executed block, so it reads top to bottom with everything rare
// out of line: the common block costs a cache lookup and two additions.
void Simulator::on_block(SimCpu& c, VirtAddr address, std::uint32_t size) {
  if (PRISTINE_UNLIKELY(c.iret_pending)) returned(c);
  // sti / mov ss hold off interrupts for one instruction: never stop right after one.
  if (PRISTINE_UNLIKELY(c.cycles >= c.stop_at || (c.poll_interrupt_flag && !c.interrupt_flag_closed)) &&
      !(c.last_block_flags & kBlockEndsWithSti) && stop_due(c, address)) {
    return;
  }
  const BlockCost* cost = c.blocks.find(address, size);
  if (PRISTINE_UNLIKELY(!cost)) cost = &price_block(c, address, size);
  if (PRISTINE_UNLIKELY((cost->flags | c.last_block_flags) & kBlockChangesMmu)) {
    c.cpu.block_ahead((cost->flags & kBlockChangesMmu) != 0);
  }
  if (PRISTINE_UNLIKELY(cost->flags & kBlockWatched) && at_watched_block(c, address)) return;
  c.cycles += cost->cycles;
  c.instructions += cost->instructions;
  if (PRISTINE_UNLIKELY(cost->flags & (kBlockEndsWithFastString | kBlockForbidden))) charge_rare(c, address, *cost);
  c.iret_pending = (cost->flags & (kBlockEndsWithIret | kBlockEndsWithSysret)) != 0;
  if (cost->flags & kBlockMayOpenInterrupts) c.interrupt_flag_closed = false;
  c.last_block_flags = cost->flags;
}

// The event horizon reached, or interrupts opened while one waits: stop
// before the block.
bool Simulator::stop_due(SimCpu& c, VirtAddr address) {
  if (c.cycles >= c.stop_at) {
    stop_before_block(c, address, StopReason::EventDue);
    return true;
  }
  if (c.poll_interrupt_flag && !c.interrupt_flag_closed) {
    if (c.cpu.interrupts_enabled()) {
      stop_before_block(c, address, StopReason::InterruptOpen);
      return true;
    }
    c.interrupt_flag_closed = true;
  }
  return false;
}

// A block seen for the first time on this CPU: priced from its bytes, and
// marked if the run loop watches its address.
const BlockCost& Simulator::price_block(SimCpu& c, VirtAddr address, std::uint32_t size) {
  const std::uint8_t* bytes = memory_.host(address, size);
  BlockCost priced = bytes ? costs_.price_block({bytes, size}, address) : BlockCost{1, 1};
  priced.flags |= rules_.forbidden_flags(address);
  if (invariants_.is_hot_entry(address) || address == faults_.swapgs_window()) priced.flags |= kBlockWatched;
  invariants_.new_block(c, address, priced);
  return c.blocks.insert(address, size, priced);
}

// A hot path's C++ entry (its invariants), or the swapgs window an NMI is
// injected into (stop there). True if the CPU stops before the block.
bool Simulator::at_watched_block(SimCpu& c, VirtAddr address) {
  if (invariants_.is_hot_entry(address)) invariants_.at_hot_entry(c, address);
  if (c.window_nmi >= 0 && address == faults_.swapgs_window() && !c.nmi_blocked) {
    stop_before_block(c, address, StopReason::SwapgsWindow);
    return true;
  }
  return false;
}

// A fast-string iteration's bytes, or a forbidden block inside a handler.
void Simulator::charge_rare(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  if (cost.flags & kBlockEndsWithFastString) {
    c.cycles += costs_.table().fast_string_cycles(c.arch.fast_string, address + cost.last_insn_offset,
                                                  (c.last_block_flags & kBlockEndsWithFastString) != 0,
                                                  cost.fast_string_bytes);
  }
  if ((cost.flags & kBlockForbidden) && c.accounting.depth() != 0) {
    const char* kind = (cost.flags & kBlockInAllocator)     ? "allocator-call"
                       : (cost.flags & kBlockInWaitingLock) ? "waiting-lock"
                                                            : "page-table-walk";
    rules_.flag(kind, c, c.accounting.innermost(), address, cost.cycles);
  }
}

// The block after an iretq ran: the return happened. Close the records it
// ended (all of them on a return to ring 3).
void Simulator::returned(SimCpu& c) {
  c.iret_pending = false;
  if (c.cpu.user_mode()) {
    c.accounting.close_all(c.cycles, c.instructions, switches(c),
                           [&](const ClosedRecord& closed) { record_closed(c, closed); });
    const int task = current_task(c);
    // A reused task slot's new occupant: checked and measured afresh.
    if (checker_.occupant(task, kernel_.task_generation(task))) {
      for (const auto& cpu : cpus_) cpu->own_time.forget(task);
    }
    checker_.enter_user(c.cpu, task, c.cycles, c.instructions);
    irq_to_user_.entered_user(task, c);
    if (PRISTINE_UNLIKELY(profiles_.call_in_flight(c.cpu.id()))) {
      profiles_.returned_to_user(c.cpu.id(), task, SyscallEmulation::error_flag(c.cpu), c.cycles, c.instructions);
    }
    tlb_.ran_user(c.cpu.id());
    if (PRISTINE_UNLIKELY(tlb_.shootdowns_in_progress())) tlb_.task_returned(task, c.cycles);
  } else if (const auto closed = c.accounting.close(c.cycles, c.instructions, switches(c))) {
    record_closed(c, *closed);
  }
  note_context(c);
}

void Simulator::record_closed(SimCpu& c, const ClosedRecord& closed) {
  if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->span_end(c.cpu.id(), c.cycles, closed.switched);
  invariants_.record_closed(c, closed);
  faults_.record_closed(c, closed);
}

Cycles Simulator::next_event_time(const SimCpu& c) const {
  Cycles next = std::min(c.events.next_time(), scenario_.duration);
  if (c.timer_deadline != 0) next = std::min(next, c.timer_deadline);
  return next;
}

void Simulator::fire_due_events(SimCpu& c) {
  if (c.timer_deadline != 0 && c.timer_deadline <= c.cycles) {
    c.timer_deadline = 0;  // one-shot
    faults_.timer_expired(c);
  }
  while (!c.events.empty() && c.events.top().time <= c.cycles) {
    const Event e = c.events.pop();
    switch (e.kind) {
      case EventKind::Fault:
        if (faults_.inject(c, e.source) && PRISTINE_UNLIKELY(trace_ != nullptr)) trace_fault(c, e.source);
        break;
      case EventKind::Ipi:
        interconnect_.ipi_raised(c, e.vector, e.sent_at, !raise_interrupt(c, e.vector));
        if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->ipi_raised(c.cpu.id(), e.vector, e.flow);
        break;
      case EventKind::DeviceInterrupt: {
        if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_source(c, e);
        if (sources_[e.source].spec().driver) {
          device_data_arrived(c, sources_[e.source].spec());
        } else {
          raise_interrupt(c, e.vector);
        }
        Event next = e;
        next.time = sources_[e.source].next_arrival();
        c.events.push(next);
        break;
      }
      case EventKind::DeviceTimer:
        nic0_.moderation_elapsed(c);
        break;
      default:
        raise_interrupt(c, e.vector);
        break;
    }
  }
}

// A driven source's arrival is data at its device, which raises the
// driver's line itself (sim/uart_model.h).
void Simulator::device_data_arrived(SimCpu& c, const SourceSpec& source) {
  if (source.driver == static_cast<std::uint32_t>(drivers::DriverId::Uart0)) {
    uart0_.receive(c, uart_payload_byte(uart0_.totals().arrived));
  } else if (source.driver == static_cast<std::uint32_t>(drivers::DriverId::Nic0)) {
    nic0_.receive(c, nic0_.totals().arrived);
  }
}

std::vector<NicReport> Simulator::nic_reports() const {
  std::vector<NicReport> nics;
  if (!nic0_driven_) return nics;
  const NicTotals& totals = nic0_.totals();
  const VirtAddr stats = image_.symbol("pristine_nic0") + offsetof(nic::NicDevice, stats);
  auto counter = [&](std::size_t offset) { return memory_.read<std::uint64_t>(stats + offset); };
  nics.push_back({.driver = "nic0",
                  .arrived = totals.arrived,
                  .dropped = totals.dropped,
                  .ring_full = totals.ring_full,
                  .delivered = totals.delivered,
                  .delivered_bytes = totals.delivered_bytes,
                  .delivered_checksum = totals.delivered == 0 ? nic::kChecksumSeed : totals.checksum,
                  .causes = totals.causes,
                  .raised = totals.raised,
                  .moderated = totals.moderated,
                  .pending_causes = nic0_.pending_causes(),
                  .interrupts = counter(offsetof(nic::NicStats, interrupts)),
                  .overrun_reports = counter(offsetof(nic::NicStats, overruns)),
                  .packets = counter(offsetof(nic::NicStats, packets)),
                  .bytes = counter(offsetof(nic::NicStats, bytes)),
                  .checksum = counter(offsetof(nic::NicStats, checksum)),
                  .bad_descriptors = counter(offsetof(nic::NicStats, bad_descriptors)),
                  .bottom_half_runs = counter(offsetof(nic::NicStats, bottom_half_runs))});
  return nics;
}

std::vector<DeviceReport> Simulator::device_reports() const {
  std::vector<DeviceReport> devices;
  if (!uart0_driven_) return devices;
  const UartTotals& totals = uart0_.totals();
  const VirtAddr stats = image_.symbol("pristine_uart0") + offsetof(uart::UartDevice, stats);
  auto counter = [&](std::size_t offset) { return memory_.read<std::uint64_t>(stats + offset); };
  devices.push_back({.driver = "uart0",
                     .arrived = totals.arrived,
                     .overruns = totals.overruns,
                     .read = totals.read,
                     .cleared = totals.cleared,
                     .left_in_device = uart0_.fifo_level(),
                     .read_checksum = totals.read == 0 ? uart::kChecksumSeed : totals.checksum_of_read,
                     .interrupts = counter(offsetof(uart::UartStats, interrupts)),
                     .captured = counter(offsetof(uart::UartStats, captured)),
                     .ring_full = counter(offsetof(uart::UartStats, ring_full)),
                     .overrun_reports = counter(offsetof(uart::UartStats, overruns)),
                     .consumed = counter(offsetof(uart::UartStats, consumed)),
                     .checksum = counter(offsetof(uart::UartStats, checksum)),
                     .bottom_half_runs = counter(offsetof(uart::UartStats, bottom_half_runs)),
                     .transmitted = totals.transmitted,
                     .transmit_lost = totals.transmit_lost,
                     .transmit_checksum = totals.transmit_checksum,
                     .delivered = counter(offsetof(uart::UartStats, delivered)),
                     .reader_overflow = counter(offsetof(uart::UartStats, reader_overflow)),
                     .reader_read = counter(offsetof(uart::UartStats, read)),
                     .flushed = counter(offsetof(uart::UartStats, flushed)),
                     .driver_transmitted = counter(offsetof(uart::UartStats, transmitted)),
                     .driver_transmit_checksum = counter(offsetof(uart::UartStats, transmit_checksum)),
                     .transmit_busy = counter(offsetof(uart::UartStats, transmit_busy)),
                     .ended_in_top_half = std::any_of(cpus_.begin(), cpus_.end(), [&](const auto& c) {
                       return c->accounting.is_open(vector_path(uart0_vector()));
                     })});
  return devices;
}

// Take `vector` through the guest's IDT: open its accounting record, tell
// the checkers the CPU left its context, deliver, charge the delivery. False
// if the delivery failed (a triple fault: the run ends).
bool Simulator::enter_handler(SimCpu& c, Vector vector, DeliveryKind kind, std::uint64_t error_code,
                              DeliveryOutcome& out) {
  const bool from_user = c.cpu.user_mode();
  // `int $0x80` from ring 3 is a system call (the second entry to the same
  // calls, docs/syscalls.md): measured as the call its RAX names.
  const PathId path = kind == DeliveryKind::Software && vector == vectors::kSyscallGate && from_user
                          ? syscall_path(SyscallEmulation::number(c.cpu))
                          : vector_path(vector);
  if (kind == DeliveryKind::External && vectors::is_device(vector)) {
    if (const int owner = kernel_.interrupt_line_owner(vector - vectors::kDeviceBase); owner >= 0) {
      irq_to_user_.delivered(owner, kernel_.task_state(owner) == TaskState::Blocked, c);
    }
  }
  if (is_syscall_path(path)) {
    profiles_.call_entered(c.cpu.id(), current_task(c), SyscallEmulation::number(c.cpu),
                           SyscallEmulation::first_argument(c.cpu), c.cycles, c.instructions);
  }
  if (kind == DeliveryKind::External) {
    // An asynchronous interrupt resumes the interrupted context where it was.
    c.accounting.open(path, c.cycles, c.instructions, switches(c), {c.cpu.sp(), c.cpu.pc(), !from_user, true});
  } else {
    c.accounting.open(path, c.cycles, c.instructions, switches(c));
  }
  if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->span_begin(c.cpu.id(), c.cycles, path);
  note_context(c);
  if (from_user) checker_.leave_user(c.cpu, current_task(c), path, c.cycles, c.instructions);
  out = deliver(c.cpu, memory_, {vector, kind, error_code});
  if (!out.delivered) {
    fail(c, "triple-fault", out.failure, vector);
    return false;
  }
  const EventCosts& e = costs_.table().events();
  c.cycles += from_user ? e.interrupt_delivery_from_user : e.interrupt_delivery_same_ring;
  c.last_block_flags = 0;
  return true;
}

bool Simulator::try_deliver_interrupt(SimCpu& c) {
  if (try_deliver_nmi(c)) return true;
  const auto vector = c.controller.deliverable();
  c.poll_interrupt_flag = false;
  if (!vector) return false;
  if (!interrupt_window_open(c.cpu, c.last_block_flags)) {
    c.poll_interrupt_flag = true;
    return false;
  }
  c.controller.accept(*vector);
  if (*vector == c.timer_vector) check_waits(c);
  DeliveryOutcome out;
  if (!enter_handler(c, *vector, DeliveryKind::External, 0, out)) return false;
  ++c.interrupts.delivered;
  c.halted = false;
  if (*vector >= vectors::kIpiReschedule && *vector <= vectors::kIpiStopAll) {
    interconnect_.ipi_taken(c, *vector);
    if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->ipi_taken(c.cpu.id(), c.cycles, *vector);
  }
  if (c.same_vector[*vector] >= 0) {
    // Raise it again while it is in service: it must wait for the EOI.
    c.events.push({.time = add_saturating(c.cycles, 300), .kind = EventKind::Raise, .vector = *vector});
    c.same_vector[*vector] = -1;
  }
  if (c.controller.deliverable()) c.poll_interrupt_flag = true;
  return true;
}

// NMIs ignore IF and the controller (the fault injector arms them).
bool Simulator::try_deliver_nmi(SimCpu& c) {
  if (!faults_.take_nmi(c)) return false;
  DeliveryOutcome out;
  if (!enter_handler(c, vectors::kNmi, DeliveryKind::External, 0, out)) return false;
  c.halted = false;
  return true;
}

void Simulator::deliver_exception(SimCpu& c, Vector vector, DeliveryKind kind, std::uint64_t error_code) {
  const bool from_user = c.cpu.user_mode();
  const VirtAddr rip = c.cpu.pc();
  const VirtAddr sp = c.cpu.sp();
  DeliveryOutcome out;
  if (!enter_handler(c, vector, kind, error_code, out)) return;
  if (!from_user && kind == DeliveryKind::Exception) invariants_.kernel_fault(c, vector, out.vector, rip, sp);
  c.cycles += costs_.table().events().exception_delivery;
}

// Whose time it is from now on (sim/own_time.h): after every record opened
// or closed, and after every return (the kernel's first entry into a task
// closes none).
void Simulator::note_context(SimCpu& c) {
  c.own_time.change(c.cycles, c.accounting.in_handler(), current_task(c));
  if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_task(c);
}

// ---- the trace (sim/trace_recorder.h) ---------------------------------------------

void Simulator::trace_to(TraceRecorder& recorder) {
  trace_ = &recorder;
  interconnect_.trace_to(&recorder);
  violations_.trace_to(&recorder);
}

// The task slice changes when the CPU is seen running another task: at the
// return that resumes it, or the next delivery.
void Simulator::trace_task(const SimCpu& c) {
  const CpuId id = c.cpu.id();
  const int task = current_task(c);
  if (task != trace_->running_task(id)) trace_->task_running(id, c.cycles, task, task >= 0 ? kernel_.task_name(task) : "");
}

void Simulator::trace_source(const SimCpu& c, const Event& e) {
  const VirtAddr rip = c.cpu.pc();
  const std::string symbol = image_.describe(rip);
  trace_->source_arrived(c.cpu.id(), c.cycles, sources_[e.source].spec().name, e.vector, {rip, symbol});
}

void Simulator::trace_fault(const SimCpu& c, std::uint32_t index) {
  const FaultSpec& f = scenario_.faults[index];
  const VirtAddr rip = c.cpu.pc();
  const std::string symbol = image_.describe(rip);
  const std::optional<Vector> vector =
      fault_kind_info(f.kind).takes == FaultParameter::Vector ? std::optional<Vector>(f.vector) : std::nullopt;
  trace_->fault_injected(c.cpu.id(), c.cycles, fault_kind_name(f.kind), vector, {rip, symbol});
}

// At a tick: no ring-3 task waits runnable longer than the bound (the idle
// task waits by design).
void Simulator::check_waits(const SimCpu& c) {
  checker_.check_waits(c.cycles, static_cast<int>(kernel_.task_count()), [this](int task) {
    return kernel_.task_is_user(task) && kernel_.task_state(task) == TaskState::Runnable;
  });
}

// A TLB flush (invlpg, or a CR3 write: kFlushAll) on `c`, for the TLB model.
// A ring-3 page flushed from inside a system call that its caller's address
// space no longer maps is an unmap (the kernel clears the PTE, then flushes
// its own CPU's entry: core/syscall/dispatch.cpp); the other CPUs keep the
// translation until they flush it too.
void Simulator::page_flushed(SimCpu& c, VirtAddr page) {
  const CpuId id = c.cpu.id();
  if (page != kFlushAll && page >= user_start_ && page < user_end_ && c.accounting.depth() != 0 &&
      is_syscall_path(c.accounting.innermost()) && !c.cpu.translate(page, {.user = true}).ok) {
    tlb_.user_page_unmapped(id, kernel_.current_task(id), page, [&](CpuId other) { return !cpus_[other]->stopped; });
  }
  tlb_.flushed(id, page);
}

void Simulator::take_syscall(SimCpu& c) {
  if (!SyscallEmulation::enabled(c.cpu)) {
    deliver_exception(c, vectors::kInvalidOpcode, DeliveryKind::Exception, 0);
    return;
  }
  const PathId path = syscall_path(SyscallEmulation::number(c.cpu));
  profiles_.call_entered(c.cpu.id(), current_task(c), SyscallEmulation::number(c.cpu),
                         SyscallEmulation::first_argument(c.cpu), c.cycles, c.instructions);
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
    if (auto located = fault_locator_.locate({code, available}, c.bad_access_rip, c.bad_address, c.bad_access_span,
                                             c.cpu)) {
      c.cpu.set_pc(located->rip);
      address = located->address;
    }
  }
  c.cpu.set_fault_address(address);
  const bool injected = faults_.hits_injected_page(address);
  const VirtAddr faulting_rip = c.cpu.pc();
  deliver_exception(c, vectors::kPageFault, DeliveryKind::Exception, error);
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
      if (c.cpu.cpl() == 0 && !c.cpu.template_is_current()) c.cpu.capture_ring0_template();
      return;
    case StopReason::Exception: {
      const std::uint32_t intno = *c.exception;
      // int n / int3 arrive with RIP after the instruction; the rest are CPU faults.
      const bool software = intno >= vectors::kExceptionCount || intno == vectors::kBreakpoint;
      deliver_exception(c, static_cast<Vector>(intno), software ? DeliveryKind::Software : DeliveryKind::Exception, 0);
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
      deliver_exception(c, vectors::kGeneralProtection, DeliveryKind::Exception, 0);
      return;
    case StopReason::None:
      break;
  }
  if (err == UC_ERR_INSN_INVALID) {
    deliver_exception(c, vectors::kInvalidOpcode, DeliveryKind::Exception, 0);
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
  const VirtAddr rip = c.cpu.pc();
  end_ = kind;
  violations_.raise({.kind = std::move(kind),
                     .message = std::move(message),
                     .symbol = image_.describe(rip),
                     .rip = rip,
                     .vector = vector,
                     .at_cycle = c.cycles});
  finished_ = true;
}

// The CPUs take turns of scenario.quantum modeled cycles, in CPU-id order:
// each runs until its clock reaches the turn's horizon. Deterministic, and a
// CPU spinning on another's answer (a shootdown) lets it run within a turn.
Report Simulator::run() {
  Cycles horizon = 0;
  const Cycles progress_step = std::max<Cycles>(scenario_.duration / 100, 1);
  Cycles next_progress = progress_step;
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
    if (PRISTINE_UNLIKELY(progress_ && horizon >= next_progress)) {
      progress_(horizon, scenario_.duration);
      next_progress = add_saturating(horizon, progress_step);
    }
    if (PRISTINE_UNLIKELY(stop_ != nullptr && !finished_ && stop_->load(std::memory_order_relaxed))) {
      end_ = kInterrupted;
      finished_ = true;
    }
  }
  if (trace_) {
    std::vector<Cycles> clocks;
    for (const auto& cpu : cpus_) clocks.push_back(cpu->cycles);
    trace_->run_ended(clocks);
  }
  faults_.run_ended();
  Report report = ReportBuilder({scenario_, cpus_, kernel_, interconnect_, faults_, board_.console()}).build(end_);
  report.devices = device_reports();
  report.nics = nic_reports();
  report.profiles = profiles_.report();
  if (auto latency = irq_to_user_.report(scenario_.budget_for(kInterruptToUserPath))) {
    report.handlers.push_back(std::move(*latency));
  }
  violations_.append(checker_.violations());
  violations_.append(rules_.violations());
  check_finished_run({scenario_, cpus_, kernel_, image_, report}, violations_);
  report.violations = violations_.list();
  return report;
}

void Simulator::run_cpu(SimCpu& c, Cycles horizon) {
  while (!finished_ && c.cycles < horizon) {
    if (c.exit_requested) {
      end_ = fmt::format("guest exit {}", c.exit_code);
      if (c.exit_code != 0) {
        violations_.raise({.kind = "guest-exit",
                           .message = fmt::format("the kernel powered off with code {}", c.exit_code),
                           .at_cycle = c.cycles});
      }
      finished_ = true;
      return;
    }
    fire_due_events(c);
    try_deliver_interrupt(c);
    if (finished_) return;
    if (c.halted) {
      if (!c.cpu.interrupts_enabled()) {
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

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
