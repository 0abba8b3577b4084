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

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
ContextLimits context_limits(const Scenario& s) {
  ContextLimits limits;
  limits.max_runnable_wait = s.max_wait_ticks * (s.cpu_hz / s.tick_hz);
  return limits;
}

namespace {

// A lone CPU's turn (Simulator::run): half a modeled millisecond at 2 GHz.
constexpr Cycles kLoneCpuTurn = 1'000'000;

// The image must be for the CPU this copy of the run loop drives (the
// scenario's `arch` chose it, sim/simulation.h): another CPU's image is
// refused by name rather than run into an engine of the wrong CPU.
GuestImage load_image(const std::filesystem::path& file) {
  GuestImage image = GuestImage::load(file);
  if (image.architecture() != kGuestArchitecture) {
    throw ImageError(fmt::format("{}: an {} image, and the scenario runs {} (its scenario.arch, docs/scenarios.md)",
                                 file.string(), architecture_name(image.architecture()),
                                 architecture_name(kGuestArchitecture)));
  }
  return image;
}

// The scenario's CPU is this copy's (a caller that bypassed
// sim/simulation.h's make_simulation is told at the key).
const Scenario& scenario_for_this_cpu(const Scenario& scenario) {
  if (scenario.arch != kGuestArchitecture) {
    throw ScenarioError(scenario.file.string(), scenario.arch_line, "scenario.arch",
                        fmt::format("{}: this run loop runs {} (make_simulation, sim/simulation.h, picks the one a scenario names)",
                                    architecture_name(scenario.arch), architecture_name(kGuestArchitecture)));
  }
  return scenario;
}

}  // namespace

Simulator::Simulator(const Scenario& scenario, const std::filesystem::path& image)
    : scenario_(scenario_for_this_cpu(scenario)),
      image_(load_image(image)),
      memory_(image_),
      costs_(CostTable::defaults()),
      board_(costs_.table().events().board, scenario.cpu_hz),
      kernel_(image_, memory_),
      invariants_(image_, violations_),
      rules_(image_, memory_),
      checker_(context_limits(scenario), [this](int task) { return kernel_.task_name(task); },
               [this](VirtAddr rip) { return image_.describe(rip); }),
      arch_(image_, memory_),
      tlb_(scenario.cpus, violations_, [this](int task) { return kernel_.task_name(task); }),
      user_start_(image_.symbol("__user_start")),
      user_end_(image_.symbol("__user_end")),
      interconnect_({cpus_, image_, costs_.table().events().board, tlb_, rules_, violations_}),
      faults_({scenario_, cpus_, memory_, image_, kernel_, costs_.table()}),
      uart0_(costs_.table().events().board, uart0_vector()),
      nic0_(costs_.table().events().board, nic0_vector(), memory_, scenario.cpu_hz),
      profiles_(scenario.cpus) {
  // A CPU starts with its MMU off, so at its entry's physical address (the
  // x86-64 image links it there, the AArch64 image in the kernel's half).
  VirtAddr secondary_entry = image_.find_symbol("sim_secondary_entry").value_or(0);
  secondary_entry = image_.physical_address(secondary_entry).value_or(secondary_entry);
  for (CpuId id = 0; id < scenario_.cpus; ++id) {
    auto cpu = std::make_unique<SimCpu>(id);
    cpu->bus = &interconnect_;
    uc_engine* uc = cpu->cpu.uc();
    cpu->cpu.attach(memory_);
    board_.attach(*cpu);
    uart0_.attach(*cpu);
    nic0_.attach(*cpu);
    uc_hook hook;
    block_hooks_.push_back(std::make_unique<BlockHook>(BlockHook{this, cpu.get()}));
    check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(&Simulator::on_block), block_hooks_.back().get(), 1, 0),
          "hook block");
    install_hooks(*cpu);
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
    cpus_[scenario_.sources[i].cpu]->schedule({.time = first, .kind = EventKind::DeviceInterrupt,
                                                  .cpu = scenario_.sources[i].cpu,
                                                  .vector = scenario_.sources[i].vector, .source = i});
  }
  faults_.arm();
  write_boot_info();
}

Simulator::~Simulator() = default;

std::unique_ptr<Simulation> make_simulator(const Scenario& scenario, const std::filesystem::path& image) {
  return std::make_unique<Simulator>(scenario, image);
}

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

// The event horizon reached, or interrupts opened (IF, PSTATE.I) while one
// waits: stop before the block.
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

// A block of the allocator, a waiting lock or the page walker inside a
// handler: the pristine-path rules' violation (sim/pristine_rules.h).
void Simulator::flag_forbidden(SimCpu& c, VirtAddr address, const BlockCost& cost) {
  if (c.accounting.depth() == 0) return;
  const char* kind = (cost.flags & kBlockInAllocator)     ? "allocator-call"
                     : (cost.flags & kBlockInWaitingLock) ? "waiting-lock"
                                                          : "page-table-walk";
  rules_.flag(kind, c, c.accounting.innermost(), address, cost.cycles);
}

// A block seen for the first time by any CPU: priced from its bytes, and
// marked if the run loop watches its address. (Another CPU's first sight of
// it: first_sight_of_forbidden.)
// A CPU's first sight of a block with a forbidden instruction that another
// CPU priced (blocks with one always reach the run loop): reported per CPU,
// as at pricing.
void Simulator::first_sight_of_forbidden(SimCpu& c, VirtAddr address, std::uint32_t size, const BlockCost& cost) {
  if (blocks_.first_sight(address, size, BlockCache::cpu_bit(c.cpu.id()))) invariants_.new_block(c, address, cost);
}

const BlockCost& Simulator::price_block(SimCpu& c, VirtAddr address, std::uint32_t size) {
  const std::uint8_t* bytes = memory_.host(address, size);
  BlockCost priced = bytes ? costs_.price_block({bytes, size}, address) : BlockCost{1, 1};
  priced.flags |= rules_.forbidden_flags(address);
  arch_price(address, size, priced);
  if (invariants_.is_hot_entry(address) || address == faults_.swapgs_window()) priced.flags |= kBlockWatched;
  invariants_.new_block(c, address, priced);
  return blocks_.insert(address, size, priced, BlockCache::cpu_bit(c.cpu.id()));
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

// The block after an iretq ran: the return happened. Close the records it
// ended (all of them on a return to ring 3).
void Simulator::returned(SimCpu& c) {
  c.iret_pending = false;
  if (!(c.last_block_flags & kBlockReturnsWithinKernel) && c.cpu.user_mode()) {
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
      profiles_.returned_to_user(c.cpu.id(), task, syscall_failed(c.cpu), c.cycles, c.instructions);
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
        c.schedule(next);
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

// Take `request` into the guest's handler, measured as `path`: open its
// accounting record, tell the checkers the CPU left its context, deliver
// (sim/<arch>/delivery.h), charge the delivery. False if the delivery failed
// (a triple fault: the run ends).
bool Simulator::enter_handler(SimCpu& c, PathId path, const DeliveryRequest& request, DeliveryOutcome& out) {
  const bool from_user = c.cpu.user_mode();
  const bool external = request.kind == DeliveryKind::External;
  if (external && vectors::is_device(request.vector)) {
    if (const int owner = kernel_.interrupt_line_owner(request.vector - vectors::kDeviceBase); owner >= 0) {
      irq_to_user_.delivered(owner, kernel_.task_state(owner) == TaskState::Blocked, c);
    }
  }
  if (is_syscall_path(path)) {
    profiles_.call_entered(c.cpu.id(), current_task(c), syscall_number(c.cpu), syscall_argument(c.cpu), c.cycles,
                           c.instructions);
  }
  if (external) {
    // An asynchronous interrupt resumes the interrupted context where it was.
    c.accounting.open(path, c.cycles, c.instructions, switches(c), {c.cpu.sp(), c.cpu.pc(), !from_user, true});
  } else {
    c.accounting.open(path, c.cycles, c.instructions, switches(c));
  }
  if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->span_begin(c.cpu.id(), c.cycles, path);
  note_context(c);
  if (from_user) checker_.leave_user(c.cpu, current_task(c), path, c.cycles, c.instructions);
  out = deliver(c.cpu, memory_, request);
  if (!out.delivered) {
    fail(c, "triple-fault", out.failure, request.vector);
    return false;
  }
  c.cycles += delivery_cycles(costs_.table().events(), request, from_user);
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
  // On x86-64 the delivery acknowledges (the local APIC moves the vector
  // into service); on AArch64 the handler does (the board's ACKNOWLEDGE).
  if (kDeliveryAcknowledges) c.controller.accept(*vector);
  if (*vector == c.timer_vector) check_waits(c);
  DeliveryOutcome out;
  if (!enter_handler(c, vector_path(*vector), {.vector = *vector, .kind = DeliveryKind::External}, out)) return false;
  ++c.interrupts.delivered;
  c.halted = false;
  if (kDeliveryAcknowledges && *vector >= vectors::kIpiReschedule && *vector <= vectors::kIpiStopAll) {
    interconnect_.ipi_taken(c, *vector);
    if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->ipi_taken(c.cpu.id(), c.cycles, *vector);
  }
  if (c.same_vector[*vector] >= 0) {
    // Raise it again while it is in service: it must wait for the EOI.
    c.schedule({.time = add_saturating(c.cycles, 300), .kind = EventKind::Raise, .vector = *vector});
    c.same_vector[*vector] = -1;
  }
  if (c.controller.deliverable()) c.poll_interrupt_flag = true;
  return true;
}

void Simulator::deliver_exception(SimCpu& c, const DeliveryRequest& request) {
  const bool from_user = c.cpu.user_mode();
  const VirtAddr rip = c.cpu.pc();
  const VirtAddr sp = c.cpu.sp();
  DeliveryOutcome out;
  if (!enter_handler(c, exception_path(c, request), request, out)) return;
  if (!from_user && request.kind == DeliveryKind::Exception) {
    invariants_.kernel_fault(c, request.vector, out.vector, rip, sp);
  }
  c.cycles += exception_cycles(costs_.table().events());
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
  // A lone CPU has no one to take turns with: its turns only bound how long
  // the run goes between progress reports and looks at the stop flag.
  const Cycles turn = cpus_.size() == 1 ? std::max(scenario_.quantum, kLoneCpuTurn) : scenario_.quantum;
  Cycles horizon = 0;
  const Cycles progress_step = std::max<Cycles>(scenario_.duration / 100, 1);
  Cycles next_progress = progress_step;
  while (!finished_) {
    horizon = std::min(add_saturating(horizon, turn), scenario_.duration);
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
        if (!kHaltWakesWhileMasked) {
          fail(c, "halted", "the CPU halted with interrupts disabled");
          return;
        }
        if (c.controller.deliverable()) {
          c.halted = false;  // a pending interrupt ends the wait; the guest unmasks to take it
          continue;
        }
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
