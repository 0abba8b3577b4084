// The board's registers as the guest sees them through MMIO.
#include "sim/sim_board.h"

#include <gtest/gtest.h>

#include "hw-sim/board_registers.h"
#include "sim/guest_image.h"
#include "sim/guest_memory.h"

namespace pristine::sim {
namespace {

struct BoardMachine {
  BoardMachine() : image(GuestImage::load(PRISTINE_BUILD_DIR "/tests/test_guest.elf")), memory(image), cpu(0) {
    memory.map_into(cpu.cpu.uc());
    board.attach(cpu);
  }
  BoardCosts costs{.board_register_read = 7, .board_register_write = 11, .board_clock_read = 5,
                   .console_char = 10000};
  GuestImage image;
  GuestMemory memory;
  SimCpu cpu;
  SimBoard board{costs, 2'000'000'000};
};

TEST(SimBoard, WideDeadlineWriteArrivesWholeAndClockReadsModeledTime) {
  BoardMachine m;
  m.cpu.cycles = 0x0000000700000123;  // above 2^32: both halves matter
  m.cpu.controller.raise(0x41);
  m.cpu.controller.accept(0x41);
  const VirtAddr start = m.image.symbol("board_access");
  ASSERT_EQ(m.cpu.cpu.run(start), UC_ERR_OK);

  EXPECT_EQ(m.cpu.timer_deadline, 0x123456789au);
  // The clock read sees time after the deadline write and its own cost.
  EXPECT_EQ(m.cpu.cpu.reg(UC_X86_REG_RDX), 0x0000000700000123u + 11 + 5);
  EXPECT_EQ(m.cpu.eoi_count, 1u);
  EXPECT_FALSE(m.cpu.controller.in_service(0x41)) << "EOI retired the in-service vector";
  EXPECT_EQ(m.cpu.cycles, 0x0000000700000123u + 11 + 5 + 11) << "each access charged once";
}

TEST(SimBoard, EoiWithNothingInServiceIsCounted) {
  BoardMachine m;
  ASSERT_EQ(m.cpu.cpu.run(m.image.symbol("board_access")), UC_ERR_OK);
  EXPECT_EQ(m.cpu.eoi_without_service, 1u);
}

TEST(SimBoard, ConsoleCollectsCharactersAtUartCost) {
  BoardMachine m;
  m.board.write(m.cpu, sim_board::kConsole, 4, 'h');
  m.board.write(m.cpu, sim_board::kConsole, 4, 'i');
  EXPECT_EQ(m.board.console(), "hi");
  EXPECT_EQ(m.cpu.cycles, 20000u);
}

TEST(SimBoard, AcknowledgeTakesTheHighestDeliverableIntoServiceAsGicv3Does) {
  BoardMachine m;
  m.cpu.controller.raise(0x31);
  m.cpu.controller.raise(0x52);
  EXPECT_EQ(m.board.read(m.cpu, sim_board::kAcknowledge, 4), 0x52u) << "the higher priority class first";
  EXPECT_TRUE(m.cpu.controller.in_service(0x52));
  EXPECT_FALSE(m.cpu.controller.pending(0x52));
  EXPECT_EQ(m.board.read(m.cpu, sim_board::kAcknowledge + 4, 4), 0u) << "the high half: no second acknowledge";
  EXPECT_EQ(m.board.read(m.cpu, sim_board::kAcknowledge, 4), sim_board::kNothingPending)
      << "0x31 is of a lower class than the one in service: not deliverable";
  m.board.write(m.cpu, sim_board::kEoi, 4, 0);
  EXPECT_EQ(m.board.read(m.cpu, sim_board::kAcknowledge, 4), 0x31u);
  m.board.write(m.cpu, sim_board::kEoi, 4, 0);
  EXPECT_EQ(m.board.read(m.cpu, sim_board::kAcknowledge, 4), sim_board::kNothingPending) << "spurious: nothing left";
  EXPECT_FALSE(m.cpu.controller.any_in_service()) << "a spurious acknowledge puts nothing in service";
  EXPECT_EQ(m.cpu.eoi_without_service, 0u);
}

TEST(SimBoard, ExitRequestsPowerOffWithTheCode) {
  BoardMachine m;
  m.board.write(m.cpu, sim_board::kExit, 4, 3);
  EXPECT_TRUE(m.cpu.exit_requested);
  EXPECT_EQ(m.cpu.exit_code, 3);
}

}  // namespace
}  // namespace pristine::sim
