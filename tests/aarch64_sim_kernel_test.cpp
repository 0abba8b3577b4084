// The AArch64 kernel of the simulated board (build/images/aarch64-sim-kernel.elf)
// on the simulator's AArch64 engine (sim/aarch64/), before the run loop
// drives that engine: a small loop here plays the run loop's part (modeled
// time one cycle per instruction, the board's registers through the board
// model itself, sim/sim_board.h; IRQs delivered when PSTATE.I allows, system
// calls, undefined instructions and refused accesses taken per the Arm
// architecture, sim/aarch64/exception_entry.h) and checks that core/ on
// AArch64 boots, schedules EL0 tasks, answers their system calls and ends
// with a passing shutdown report, all through the engine's own exception
// entry and MMU walk; once with the board's clock counting instructions
// (as QEMU's -icount), once counting modeled cycles (blocks priced by
// sim/aarch64/cost_model.h, entries and board accesses charged), where the
// switching paths must stay under the 1000-cycle gate. What the loop leaves
// out (several CPUs, every invariant, faults, sources) is the real run loop's part.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/boot_info.h"
#include "core/interrupt/vectors.h"
#include "hw-sim/board_registers.h"
#include "sim/aarch64/cost_model.h"
#include "sim/aarch64/exception_entry.h"
#include "sim/aarch64/fault_address.h"
#include "sim/aarch64/guest_cpu.h"
#include "sim/guest_image.h"
#include "sim/guest_kernel_view.h"
#include "sim/guest_memory.h"
#include "sim/shutdown_report.h"
#include "sim/sim_board.h"
#include "sim/sim_cpu.h"

namespace pristine::sim::aarch64 {
namespace {

constexpr std::uint64_t kClockHz = 100'000'000;
constexpr std::uint32_t kTickHz = 1000;
constexpr std::uint64_t kRunCycles = kClockHz / 10;  // 100 ms
constexpr std::uint64_t kInstructionLimit = 100'000'000;  // a kernel that never powers off
constexpr std::uint32_t kUndefinedIntNo = 1, kSvcIntNo = 2, kBrkIntNo = 7;  // QEMU's EXCP_UDEF, EXCP_SWI, EXCP_BKPT
constexpr std::uint32_t kWfi = 0xd503207f;

// What the board's clock counts: retired instructions (as QEMU's
// -icount), or modeled cycles (each block priced by the cost model, each
// exception entry and board access charged).
enum class Clock { Instructions, ModeledCycles };

struct Board {
  const Clock clock;
  aarch64::CostModel costs{aarch64::CostTable::defaults()};
  struct Price {
    std::uint32_t size, cycles;
  };
  std::unordered_map<VirtAddr, Price> prices;
  GuestImage image = GuestImage::load(PRISTINE_BUILD_DIR "/images/aarch64-sim-kernel.elf");
  GuestMemory memory{image};
  GuestCpu cpu{0};
  // The board model's per-CPU state lives in a SimCpu; its x86 engine is
  // not run here.
  SimCpu state{0};
  // The board's costs, in modeled cycles only (counting instructions, an access is none).
  SimBoard board{clock == Clock::Instructions ? BoardCosts{} : costs.table().events().board, kClockHz};
  std::optional<std::uint32_t> stop;
  std::uint64_t irqs = 0, system_calls = 0, aborts = 0;
  FaultAddress fault_address;

  explicit Board(Clock what_the_clock_counts) : clock(what_the_clock_counts) {
    cpu.attach(memory);
    uc_hook hook;
    check(uc_mmio_map(cpu.uc(), sim_board::aarch64::kPhysicalBase, sim_board::kSize, read_register, this,
                      write_register, this),
          "uc_mmio_map(board)");
    check(uc_hook_add(cpu.uc(), &hook, UC_HOOK_INTR, reinterpret_cast<void*>(+[](uc_engine* uc, std::uint32_t intno, void* self) {
                        static_cast<Board*>(self)->stop = intno;
                        uc_emu_stop(uc);
                      }), this, 1, 0),
          "hook intr");
    if (clock == Clock::Instructions) {
      // Before each instruction: stop where the loop must act, else count
      // it, one cycle.
      check(uc_hook_add(cpu.uc(), &hook, UC_HOOK_CODE, reinterpret_cast<void*>(+[](uc_engine* uc, std::uint64_t, std::uint32_t, void* self) {
                          Board& b = *static_cast<Board*>(self);
                          if (b.must_stop()) {
                            uc_emu_stop(uc);
                            return;
                          }
                          ++b.state.cycles;
                        }), this, 1, 0),
            "hook code");
    } else {
      // Before each block: the same stops, else its price from the AArch64
      // cost model (sim/aarch64/cost_model.h), as the run loop charges x86-64 blocks.
      check(uc_hook_add(cpu.uc(), &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(+[](uc_engine* uc, std::uint64_t address, std::uint32_t size, void* self) {
                          Board& b = *static_cast<Board*>(self);
                          if (b.must_stop()) {
                            uc_emu_stop(uc);
                            return;
                          }
                          b.state.cycles += b.price(address, size);
                        }), this, 1, 0),
            "hook block");
    }
  }
  // At the timer's deadline (armed or moved inside the run), or where a
  // pending interrupt can be taken (PSTATE.I clear: after an eret to EL0, a
  // `msr daifclr`), or at the limit.
  bool must_stop() const {
    const std::uint64_t deadline = state.timer_deadline;
    return (deadline != 0 && state.cycles >= deadline) || state.cycles >= kInstructionLimit ||
           (state.controller.deliverable() && cpu.interrupts_enabled());
  }
  std::uint32_t price(VirtAddr address, std::uint32_t size) {
    if (const auto known = prices.find(address); known != prices.end() && known->second.size == size) {
      return known->second.cycles;
    }
    std::vector<std::uint8_t> code(size);
    for (std::uint32_t i = 0; i < size; i += 4) {
      const std::uint32_t insn = instruction_at(address + i);
      std::memcpy(code.data() + i, &insn, std::min<std::uint32_t>(4, size - i));
    }
    const BlockCost cost = costs.price_block(code, address);
    prices[address] = {size, cost.cycles};
    return cost.cycles;
  }
  // The exception entry's cost, as the run loop charges x86-64's delivery.
  void charge_entry(bool irq) {
    const aarch64::EventCosts& e = costs.table().events();
    const bool from_el0 = cpu.user_mode();
    state.cycles += irq ? (from_el0 ? e.irq_from_el0 : e.irq_same_el)
                        : (from_el0 ? e.sync_exception_from_el0 : e.sync_exception_same_el);
  }
  static std::uint64_t read_register(uc_engine*, std::uint64_t offset, unsigned size, void* self) {
    Board& b = *static_cast<Board*>(self);
    return b.board.read(b.state, offset, size);
  }
  static void write_register(uc_engine*, std::uint64_t offset, unsigned size, std::uint64_t value, void* self) {
    Board& b = *static_cast<Board*>(self);
    b.board.write(b.state, offset, size, value);
  }

  void write_boot_info(std::initializer_list<std::pair<const char*, UserProgram>> tasks) {
    BootInfo info{};
    info.magic = kBootInfoMagic;
    info.cpu_count = 1;
    info.tick_hz = kTickHz;
    info.clock_hz = kClockHz;
    info.run_cycles = kRunCycles;
    info.clock_unit = ClockUnit::CpuCycles;
    for (const auto& [name, program] : tasks) {
      BootTask& t = info.tasks[info.task_count++];
      std::strncpy(t.name, name, kTaskNameLength - 1);
      t.program = program;
      t.cpu = kAnyCpu;
    }
    memory.write(image.symbol("pristine_boot_info"), info);
  }

  std::uint32_t instruction_at(VirtAddr pc) {
    const PageTranslation t = cpu.translate(pc & ~0xfffull, {.fetch = true, .user = cpu.user_mode()});
    if (!t.ok) return 0;
    std::uint32_t insn = 0;
    std::memcpy(&insn, memory.physical(t.page + (pc & 0xfff), 4), 4);
    return insn;
  }

  // The board's timer fires at its deadline; a deliverable interrupt is
  // taken when PSTATE.I is clear.
  void raise_due_timer() {
    if (state.timer_deadline != 0 && state.cycles >= state.timer_deadline) {
      state.timer_deadline = 0;
      raise_interrupt(state, state.timer_vector);
    }
  }

  // Runs until the kernel powers off; false if it never does.
  bool run() {
    VirtAddr pc = image.entry();
    while (!state.exit_requested && state.cycles < kInstructionLimit) {
      raise_due_timer();
      if (state.controller.deliverable() && cpu.interrupts_enabled()) {
        ++irqs;
        charge_entry(true);
        take_exception(cpu, {.type = ExceptionType::Irq, .return_address = pc});
        pc = cpu.pc();
      }
      stop.reset();
      const uc_err err = cpu.run(pc);
      pc = cpu.pc();
      if (state.exit_requested) break;
      if (err == UC_ERR_EXCEPTION) {
        const std::optional<Refusal> r = cpu.take_refusal();
        if (!r) return false;
        ++aborts;
        const bool lower = cpu.user_mode();
        Exception e{.return_address = pc};
        if (r->access.fetch) {
          e.syndrome = syndrome::instruction_abort(lower, r->fault_status);
          e.fault_address = pc;
        } else {
          const std::uint32_t insn = instruction_at(pc);
          const std::uint8_t* bytes = reinterpret_cast<const std::uint8_t*>(&insn);
          e.syndrome = syndrome::data_abort(lower, r->access.write, r->fault_status);
          e.fault_address = fault_address.locate({bytes, 4}, pc, r->page, cpu).value_or(r->page);
        }
        charge_entry(false);
        take_exception(cpu, e);
        pc = cpu.pc();
        continue;
      }
      if (err != UC_ERR_OK) return false;
      if (stop == kSvcIntNo) {
        ++system_calls;
        const std::uint32_t svc = instruction_at(pc - 4);  // Unicorn stops past the svc
        charge_entry(false);
        take_exception(cpu, {.syndrome = syndrome::svc(static_cast<std::uint16_t>(svc >> 5)), .return_address = pc});
        pc = cpu.pc();
      } else if (stop == kUndefinedIntNo || stop == kBrkIntNo) {
        const std::uint32_t insn = instruction_at(pc);
        charge_entry(false);
        take_exception(cpu, {.syndrome = stop == kBrkIntNo ? syndrome::brk(static_cast<std::uint16_t>(insn >> 5))
                                                            : syndrome::undefined(),
                             .return_address = pc});
        pc = cpu.pc();
      } else if (stop.has_value()) {
        // wfi: the CPU sleeps until an interrupt is pending (one already
        // is: it wakes at once); else time jumps to the timer's deadline.
        if (instruction_at(pc - 4) != kWfi) return false;
        if (!state.controller.deliverable()) {
          if (state.timer_deadline == 0) return false;  // asleep for good
          state.cycles = std::max(state.cycles, state.timer_deadline);
        }
      }
    }
    return state.exit_requested;
  }
};

class Aarch64SimKernel : public ::testing::TestWithParam<Clock> {};

TEST_P(Aarch64SimKernel, BootsSchedulesEl0TasksAndPowersOffWithAPassingReport) {
  Board b(GetParam());
  b.write_boot_info({{"counter", UserProgram::Counter},
                     {"syscall-sync", UserProgram::SyscallSync},
                     {"syscall-memory", UserProgram::SyscallMemory},
                     {"syscall-files", UserProgram::SyscallFiles},
                     {"kcounter", UserProgram::KernelCounter}});
  ASSERT_TRUE(b.run()) << "stopped at pc " << std::hex << b.cpu.pc() << " after " << std::dec << b.state.cycles
                       << " cycles, stop " << (b.stop ? int(*b.stop) : -1) << "\n" << b.board.console();
  const ShutdownReport report = read_shutdown_report(b.board.console());
  EXPECT_TRUE(report.passed()) << b.board.console();
  EXPECT_EQ(b.state.exit_code, 0) << "the kernel's pass (core/power_off.cpp), written to the board's exit register";
  for (const char* task : {"counter", "syscall-sync", "syscall-memory", "syscall-files", "kcounter"}) {
    EXPECT_GT(report.get("task", task).number("progress"), 0u) << task;
  }
  const ReportRecord& cpu0 = report.get("cpu", "0");
  EXPECT_GE(cpu0.number("ticks"), 99u);
  EXPECT_EQ(cpu0.number("missed"), 0u);
  EXPECT_GT(b.system_calls, 100u);
  EXPECT_GT(b.aborts, 0u) << "demand-zero pages: the EL0 stacks and heaps fault in";
  EXPECT_EQ(b.state.eoi_without_service, 0u) << "every EOI ended an acknowledged interrupt";
  EXPECT_FALSE(b.state.controller.any_in_service());
  // The simulator's view of the kernel's own tables (sim/guest_kernel_view.h,
  // compiled with AArch64's layouts) agrees with what the kernel reported:
  // every task past the first read at the AArch64 Task's stride, not x86-64's.
  const GuestKernelView kernel(b.image, b.memory);
  // (syscall-sync's threads share its name: the names here are unique.)
  for (const char* name : {"counter", "syscall-memory", "syscall-files", "kcounter"}) {
    const std::optional<int> task = kernel.find_task(name);
    ASSERT_TRUE(task.has_value()) << name;
    const GuestTask t = kernel.task(*task);
    const ReportRecord& reported = report.get("task", name);
    EXPECT_EQ(t.switches_in, reported.number("switches-in")) << name;
    EXPECT_EQ(t.ticks_run, reported.number("ticks")) << name;
    EXPECT_EQ(t.user, std::string_view(name) != "kcounter") << name;
  }
  EXPECT_EQ(kernel.switches(0), cpu0.number("switches"));

  // The hard gate on the paths that switch (the tick's included): under
  // 1000 modeled cycles in core/'s own span, the entry and exit assembly
  // outside it (docs/aarch64.md, "First modeled cycles").
  if (GetParam() == Clock::ModeledCycles) {
    int switching_paths = 0;
    for (const ReportRecord* path : report.all("path")) {
      if (!path->subject.ends_with("+switch")) continue;
      ++switching_paths;
      EXPECT_LT(path->number("max"), 1000u) << path->subject;
    }
    EXPECT_GE(switching_paths, 5);
  }
  if (std::getenv("PRISTINE_SHOW_REPORT")) std::printf("%s", b.board.console().c_str());
  std::printf("[ figures  ] %llu cycles, %llu IRQs, %llu system calls, %llu aborts\n",
              static_cast<unsigned long long>(b.state.cycles), static_cast<unsigned long long>(b.irqs),
              static_cast<unsigned long long>(b.system_calls), static_cast<unsigned long long>(b.aborts));
}

INSTANTIATE_TEST_SUITE_P(, Aarch64SimKernel, ::testing::Values(Clock::Instructions, Clock::ModeledCycles),
                         [](const ::testing::TestParamInfo<Clock>& info) {
                           return info.param == Clock::Instructions ? "CountingInstructions" : "CountingModeledCycles";
                         });

}  // namespace
}  // namespace pristine::sim::aarch64
