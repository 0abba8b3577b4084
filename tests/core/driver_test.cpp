// The driver model (core/drivers/) and uart0's driver, compiled natively
// against the fake machine (tests/core/fake_machine.cpp), whose UART is a
// receive FIFO the tests fill.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "core/cpu_local.h"
#include "core/drivers/drivers.h"
#include "core/drivers/e1000_registers.h"
#include "core/drivers/nic.h"
#include "core/drivers/uart.h"
#include "core/drivers/uart_registers.h"
#include "core/drivers/user_interrupts.h"
#include "core/interrupt/vectors.h"
#include "core/sched/scheduler.h"
#include "tests/core/fake_machine.h"

namespace pristine {
namespace {

constexpr Vector kUartVector{static_cast<std::uint8_t>(vectors::kDeviceBase + 4)};

class UartDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_machine::reset();
    std::destroy_at(&pristine_uart0);
    std::construct_at(&pristine_uart0);
    uart::start();
    fake_machine::state().uart_writes.clear();
  }
  static void arrive(std::initializer_list<std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) fake_machine::state().uart_fifo.push_back(b);
  }
  static std::uint64_t stat(const std::atomic<std::uint64_t>& counter) { return counter.load(); }
};

TEST_F(UartDriver, StartTurnsTheFifoAndTheReceiveInterruptOnWithoutDiscardingInput) {
  fake_machine::reset();
  arrive({7});
  uart::start();
  const auto& writes = fake_machine::state().uart_writes;
  EXPECT_NE(std::find(writes.begin(), writes.end(), std::pair<std::uint8_t, std::uint8_t>{uart::kFifoControl, uart::kFifoEnable}),
            writes.end());
  EXPECT_NE(std::find(writes.begin(), writes.end(),
                      std::pair<std::uint8_t, std::uint8_t>{uart::kInterruptEnable, uart::kEnableReceiveInterrupt}),
            writes.end());
  bool out2 = false;
  for (const auto& [reg, value] : writes) out2 = out2 || (reg == uart::kModemControl && (value & uart::kOut2));
  EXPECT_TRUE(out2) << "OUT2 gates the UART's interrupt onto the PC's bus";
  EXPECT_EQ(fake_machine::state().uart_fifo.size(), 1u) << "a byte already received is input, not stale";
}

TEST_F(UartDriver, ATopHalfTakesAtMostItsBoundAndTheBottomHalfChecksumsInOrder) {
  arrive({1, 2, 3, 4, 5});
  EXPECT_TRUE(uart::top_half());
  EXPECT_EQ(stat(pristine_uart0.stats.captured), uart::kBytesPerInterrupt);
  EXPECT_EQ(fake_machine::state().uart_fifo.size(), 5u - uart::kBytesPerInterrupt) << "the rest raises the line again";
  while (!fake_machine::state().uart_fifo.empty()) EXPECT_TRUE(uart::top_half());
  uart::bottom_half();
  std::uint64_t expected = uart::kChecksumSeed;
  for (std::uint8_t b : {1, 2, 3, 4, 5}) expected = uart::checksum_step(expected, b);
  EXPECT_EQ(stat(pristine_uart0.stats.consumed), 5u);
  EXPECT_EQ(stat(pristine_uart0.stats.checksum), expected);
  EXPECT_EQ(stat(pristine_uart0.stats.interrupts), 3u);
}

TEST_F(UartDriver, AnEmptyFifoQueuesNothingAndAnOverrunIsCounted) {
  fake_machine::state().uart_overrun = true;
  EXPECT_FALSE(uart::top_half());
  EXPECT_EQ(stat(pristine_uart0.stats.overruns), 1u);
  EXPECT_EQ(stat(pristine_uart0.stats.captured), 0u);
}

TEST_F(UartDriver, AFullRingDropsAndCountsRatherThanOverwriting) {
  for (std::uint32_t i = 0; i < uart::kRingSize + 3; ++i) {
    arrive({static_cast<std::uint8_t>(i)});
    uart::top_half();
  }
  EXPECT_EQ(stat(pristine_uart0.stats.captured), uart::kRingSize);
  EXPECT_EQ(stat(pristine_uart0.stats.ring_full), 3u);
  uart::bottom_half();
  std::uint64_t expected = uart::kChecksumSeed;
  for (std::uint32_t i = 0; i < uart::kRingSize; ++i) expected = uart::checksum_step(expected, static_cast<std::uint8_t>(i));
  EXPECT_EQ(stat(pristine_uart0.stats.checksum), expected) << "the first kRingSize bytes, the oldest kept";
}

// Before its driver starts, a driver's line gets the stock acknowledgement
// and the device is not touched; once started, a top half that queued
// wakes the driver's own thread.
TEST(Drivers, ALineDispatchesToItsDriverOnlyOnceStarted) {
  fake_machine::reset();
  std::destroy_at(&pristine_tasks);
  std::construct_at(&pristine_tasks);
  pristine_cpu_local[0].clock_hz = 1'000'000'000;
  fake_machine::state().uart_fifo.push_back(42);
  EXPECT_EQ(drivers::top_half(kUartVector), nullptr);
  EXPECT_EQ(fake_machine::state().uart_fifo.size(), 1u) << "an unstarted driver's device is not read";
  EXPECT_FALSE(drivers::started(drivers::DriverId::Uart0));

  BootInfo boot{};
  boot.drivers = drivers::driver_bit(drivers::DriverId::Uart0);
  drivers::start(boot);
  ASSERT_TRUE(drivers::started(drivers::DriverId::Uart0));
  ASSERT_EQ(fake_machine::state().lines_enabled.size(), 1u);
  EXPECT_EQ(fake_machine::state().lines_enabled[0], (std::pair<unsigned, CpuId>{4, 0}));
  Task* bottom_half = drivers::top_half(kUartVector);
  ASSERT_NE(bottom_half, nullptr);
  EXPECT_STREQ(bottom_half->name, "uart0-bh");
  EXPECT_FALSE(bottom_half->is_user);
  EXPECT_EQ(drivers::top_half(kUartVector), nullptr) << "nothing new in the FIFO: nothing to wake for";
  EXPECT_STREQ(vectors::handler_name(kUartVector), "uart0-rx");
  EXPECT_STREQ(vectors::handler_name(Vector{0x40}), "device0") << "a line without a driver keeps its number";
}

// Ring-3 drivers (core/drivers/user_interrupts.h): who may bind, what the
// top half does with a bound line, and that a line given back or left by an
// exiting owner is masked again.
TEST(UserInterrupts, BindCollectAndGiveBack) {
  fake_machine::reset();
  Task owner{};
  owner.parent = kNoParent;
  Task child{};
  child.parent = 0;
  Task other{};
  other.parent = kNoParent;
  EXPECT_EQ(drivers::interrupt_register(child, 3), kEPERM) << "a spawned task owns no line";
  EXPECT_EQ(drivers::interrupt_register(owner, 4), kEBUSY) << "uart0's line";
  EXPECT_EQ(drivers::interrupt_register(owner, 16), kEINVAL);
  EXPECT_EQ(drivers::user_interrupt(3), nullptr) << "an unbound line wakes nobody";
  EXPECT_EQ(drivers::interrupt_register(owner, 3), 0);
  EXPECT_EQ(drivers::interrupt_register(other, 3), kEBUSY);
  EXPECT_EQ(drivers::interrupt_collect(owner, 3), 0) << "interrupts before the bind are nobody's";
  EXPECT_EQ(drivers::user_interrupt(3), &owner);
  EXPECT_EQ(drivers::user_interrupt(3), &owner);
  EXPECT_EQ(drivers::interrupt_collect(other, 3), kEPERM);
  EXPECT_EQ(drivers::interrupt_collect(owner, 3), 2);
  EXPECT_EQ(drivers::interrupt_collect(owner, 3), 0);
  EXPECT_EQ(drivers::interrupt_unregister(other, 3), kEPERM);
  EXPECT_EQ(drivers::interrupt_unregister(owner, 3), 0);
  EXPECT_EQ(fake_machine::state().lines_disabled, std::vector<unsigned>{3});
  EXPECT_EQ(drivers::user_interrupt(3), nullptr);

  EXPECT_EQ(drivers::interrupt_register(other, 5), 0);
  EXPECT_EQ(drivers::interrupt_register(other, 6), 0);
  drivers::release_interrupt_lines(other);  // its exit
  EXPECT_EQ(fake_machine::state().lines_disabled, (std::vector<unsigned>{3, 5, 6}));
  EXPECT_EQ(drivers::interrupt_register(owner, 5), 0) << "free again";
  drivers::release_interrupt_lines(owner);
}


// nic0's driver against the fake machine: its e1000 is a register file (ICR
// cleared by a read) and the test plays the device's DMA by writing into the
// driver's ring directly (the fake dma_address is the host pointer).
class NicDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_machine::reset();
    std::destroy_at(&pristine_nic0);
    std::construct_at(&pristine_nic0);
    nic::start();
  }
  static std::uint32_t reg(std::uint32_t r) { return fake_machine::state().nic_registers[r]; }
  // The device fills descriptor `i` with `bytes`.
  static void deliver(std::uint32_t i, std::initializer_list<std::uint8_t> bytes) {
    e1000::RxDescriptor& d = pristine_nic0.ring[i];
    std::uint32_t n = 0;
    for (const std::uint8_t b : bytes) pristine_nic0.buffers[i][n++] = b;
    d.length = static_cast<std::uint16_t>(n);
    d.status = e1000::kRxStatusDone | e1000::kRxStatusEndOfPacket;
  }
  static std::uint64_t stat(const std::atomic<std::uint64_t>& counter) { return counter.load(); }
};

TEST_F(NicDriver, StartGivesTheDeviceTheStaticRingAndTurnsTheModeratedReceiverOn) {
  const auto ring = reinterpret_cast<std::uint64_t>(pristine_nic0.ring);
  EXPECT_EQ(reg(e1000::kRdbal), static_cast<std::uint32_t>(ring));
  EXPECT_EQ(reg(e1000::kRdbah), static_cast<std::uint32_t>(ring >> 32));
  EXPECT_EQ(ring % 16, 0u) << "the chip wants a 16-byte aligned ring";
  EXPECT_EQ(reg(e1000::kRdlen), nic::kDescriptorCount * 16);
  EXPECT_EQ(reg(e1000::kRdh), 0u);
  EXPECT_EQ(reg(e1000::kRdt), nic::kDescriptorCount - 1) << "all descriptors but one are the device's";
  EXPECT_EQ(reg(e1000::kItr), nic::kInterruptThrottle);
  EXPECT_EQ(reg(e1000::kIms), e1000::kIntRxt0 | e1000::kIntRxo);
  const std::uint32_t rctl = reg(e1000::kRctl);
  EXPECT_TRUE(rctl & e1000::kRctlEnable);
  EXPECT_EQ(e1000::receive_buffer_size(rctl), nic::kBufferSize);
  for (std::uint32_t i = 0; i < nic::kDescriptorCount; ++i) {
    EXPECT_EQ(pristine_nic0.ring[i].buffer_address, reinterpret_cast<std::uint64_t>(pristine_nic0.buffers[i]));
    EXPECT_EQ(pristine_nic0.ring[i].status, 0);
  }
  // The receiver goes on once the ring is in place, and the descriptors are
  // given to it last (a packet the device held meanwhile is received, not dropped).
  const auto& writes = fake_machine::state().nic_writes;
  ASSERT_GE(writes.size(), 2u);
  EXPECT_EQ(writes[writes.size() - 2].first, e1000::kRctl);
  EXPECT_EQ(writes.back(), (std::pair<std::uint32_t, std::uint32_t>{e1000::kRdt, nic::kDescriptorCount - 1}));
}

TEST_F(NicDriver, TheTopHalfAcknowledgesWithOneIcrReadAndWakesOnlyForReceiveCauses) {
  auto& regs = fake_machine::state().nic_registers;
  const std::size_t writes_at_start = fake_machine::state().nic_writes.size();
  regs[e1000::kIcr] = e1000::kIntRxt0;
  EXPECT_TRUE(nic::top_half());
  EXPECT_EQ(regs[e1000::kIcr], 0u) << "the read acknowledged it";
  regs[e1000::kIcr] = e1000::kIntLsc;
  EXPECT_FALSE(nic::top_half()) << "a link change is no work for the bottom half";
  regs[e1000::kIcr] = e1000::kIntRxo;
  EXPECT_TRUE(nic::top_half()) << "missed packets: the ring is full, the bottom half must empty it";
  EXPECT_EQ(stat(pristine_nic0.stats.interrupts), 3u);
  EXPECT_EQ(stat(pristine_nic0.stats.overruns), 1u);
  EXPECT_EQ(fake_machine::state().nic_writes.size(), writes_at_start) << "the top half writes no register";
}

TEST_F(NicDriver, TheBottomHalfChecksumsDonePacketsInOrderAndGivesTheirDescriptorsBack) {
  deliver(0, {1, 2, 3});
  deliver(1, {4});
  nic::bottom_half();
  std::uint64_t sum = nic::kChecksumSeed;
  for (const std::uint8_t b : {1, 2, 3, 4}) sum = nic::checksum_step(sum, b);
  EXPECT_EQ(stat(pristine_nic0.stats.packets), 2u);
  EXPECT_EQ(stat(pristine_nic0.stats.bytes), 4u);
  EXPECT_EQ(stat(pristine_nic0.stats.checksum), sum);
  EXPECT_EQ(pristine_nic0.ring[0].status, 0) << "DD cleared: the descriptor is free again";
  EXPECT_EQ(reg(e1000::kRdt), 1u) << "the tail follows the last descriptor processed";
  // The walk resumes where it stopped and wraps around the ring.
  for (std::uint32_t i = 2; i < nic::kDescriptorCount; ++i) deliver(i, {static_cast<std::uint8_t>(i)});
  deliver(0, {9, 9});
  nic::bottom_half();
  EXPECT_EQ(stat(pristine_nic0.stats.packets), nic::kDescriptorCount + 1);
  EXPECT_EQ(reg(e1000::kRdt), 0u);
  EXPECT_EQ(pristine_nic0.next, 1u);
  // A descriptor without EOP (a packet split over buffers) is skipped and counted.
  deliver(1, {5});
  pristine_nic0.ring[1].status = e1000::kRxStatusDone;
  nic::bottom_half();
  EXPECT_EQ(stat(pristine_nic0.stats.bad_descriptors), 1u);
  EXPECT_EQ(stat(pristine_nic0.stats.packets), nic::kDescriptorCount + 1);
  EXPECT_EQ(stat(pristine_nic0.stats.bottom_half_runs), 3u);
}

}  // namespace
}  // namespace pristine
