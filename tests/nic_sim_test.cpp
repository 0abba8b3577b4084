// nic0 in the simulator (sim/nic_model.h, docs/drivers.md): the board's
// e1000 model on its own (register semantics, DMA into the ring, a full
// ring's misses, ITR moderation), then with the kernel's driver (every
// packet intact through the ring to the bottom half; moderation under a
// storm; a burst larger than the ring), and the "device-data" check on
// synthetic losses. The same driver on the PC: tests/boot_test.cpp.
#include <gtest/gtest.h>

#include "core/drivers/e1000_registers.h"
#include "core/drivers/nic.h"
#include "sim/end_of_run_checks.h"
#include "sim/nic_model.h"
#include "sim/nic_payload.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

constexpr Vector kNicVector{0x4B};
constexpr std::uint64_t kHz = 2'000'000'000;
// The model's tests' memory: physical 0x200000, which the test (the "CPU")
// sees at a different virtual address: the device must use the physical one.
constexpr std::uint64_t kRam = 0x200000;
constexpr std::uint64_t kRamVirtual = 0xFFFFFFFF80200000;
constexpr std::uint64_t kRing = kRam;  // 8 descriptors
constexpr std::uint64_t kBuffers = kRam + 0x1000;
constexpr std::uint32_t kCount = 8;
constexpr VirtAddr seen(std::uint64_t physical) { return VirtAddr{physical - kRam + kRamVirtual}; }

// The model driven directly, as a driver would program it.
class NicModelTest : public ::testing::Test {
 protected:
  NicModelTest()
      : memory_({{.base = VirtAddr{kRamVirtual}, .size = 0x10000, .paddr = PhysAddr{kRam}}}),
        nic_(costs_, kNicVector, memory_, kHz),
        cpu_(0) {}

  void SetUp() override {
    for (std::uint32_t i = 0; i < kCount; ++i) {
      memory_.write<std::uint64_t>(seen(kRing + 16 * i), kBuffers + 1024 * i);
    }
    write(e1000::kRdbal, static_cast<std::uint32_t>(kRing));
    write(e1000::kRdbah, 0);
    write(e1000::kRdlen, kCount * 16);
    write(e1000::kRdh, 0);
    write(e1000::kRdt, kCount - 1);
    write(e1000::kIms, e1000::kIntRxt0 | e1000::kIntRxo);
    write(e1000::kRctl, e1000::kRctlEnable | e1000::kRctlBufferSize1024);
  }
  void write(std::uint32_t reg, std::uint32_t value) { nic_.write(cpu_, reg, value); }
  std::uint32_t read(std::uint32_t reg) { return nic_.read(cpu_, reg); }
  e1000::RxDescriptor descriptor(std::uint32_t i) { return memory_.read<e1000::RxDescriptor>(seen(kRing + 16 * i)); }
  bool line() const { return cpu_.level_asserted.test(kNicVector); }
  // Packet `k` arrives at modeled time `t`.
  void arrive(std::uint64_t k, Cycles t) {
    cpu_.cycles = t;
    nic_.receive(cpu_, k);
  }
  // The moderation timer's event, if the model queued one: fire it at its time.
  bool fire_timer() {
    if (cpu_.events.empty()) return false;
    const Event e = cpu_.events.pop();
    EXPECT_EQ(e.kind, EventKind::DeviceTimer);
    cpu_.cycles = e.time;
    nic_.moderation_elapsed(cpu_);
    return true;
  }

  BoardCosts costs_{};
  GuestMemory memory_;
  NicModel nic_;
  SimCpu cpu_;
};

TEST_F(NicModelTest, APacketIsWrittenIntoTheBufferOfTheHeadDescriptorAndRaisesRxt0) {
  arrive(0, 1000);
  const e1000::RxDescriptor d = descriptor(0);
  ASSERT_EQ(d.length, nic_packet_length(0));
  EXPECT_EQ(d.status, e1000::kRxStatusDone | e1000::kRxStatusEndOfPacket);
  for (std::uint32_t i = 0; i < d.length; ++i) {
    ASSERT_EQ(memory_.read<std::uint8_t>(seen(kBuffers + i)), nic_payload_byte(0, i)) << i;
  }
  EXPECT_EQ(read(e1000::kRdh), 1u);
  EXPECT_TRUE(line()) << "ICR & IMS is not zero: the level line is asserted";
  EXPECT_EQ(nic_.totals().raised, 1u);
  const std::uint32_t icr = read(e1000::kIcr);
  EXPECT_EQ(icr & e1000::kIntRxt0, e1000::kIntRxt0);
  EXPECT_FALSE(line()) << "reading ICR acknowledges: the line drops";
  EXPECT_EQ(read(e1000::kIcr) & ~e1000::kIntAsserted, 0u) << "and the causes are cleared";
}

TEST_F(NicModelTest, MaskedCausesDoNotRaiseTheLineAndIcsSetsACause) {
  write(e1000::kImc, ~0u);
  arrive(0, 10);
  EXPECT_FALSE(line());
  EXPECT_EQ(read(e1000::kIms), 0u);
  write(e1000::kIms, e1000::kIntRxt0);
  EXPECT_TRUE(line()) << "unmasking a pending cause raises the line";
  (void)read(e1000::kIcr);
  write(e1000::kIcs, e1000::kIntRxt0);
  EXPECT_TRUE(line());
}

TEST_F(NicModelTest, AFullRingMissesPacketsAndCountsThem) {
  write(e1000::kRdt, 3);  // the device owns descriptors 0-2
  for (std::uint64_t k = 0; k < 5; ++k) arrive(k, 100 * (k + 1));
  EXPECT_EQ(read(e1000::kRdh), 3u) << "RDH stops at RDT";
  EXPECT_EQ(nic_.totals().delivered, 3u);
  EXPECT_EQ(nic_.totals().dropped, 2u);
  EXPECT_EQ(nic_.totals().ring_full, 2u);
  EXPECT_EQ(descriptor(3).status, 0) << "nothing written past the tail";
  EXPECT_EQ(read(e1000::kIcr) & e1000::kIntRxo, e1000::kIntRxo);
  EXPECT_EQ(read(e1000::kMpc), 2u);
  EXPECT_EQ(read(e1000::kMpc), 0u) << "statistics clear on read";
  // Given back, the ring takes packets again.
  write(e1000::kRdt, 5);
  arrive(5, 1000);
  EXPECT_EQ(nic_.totals().delivered, 4u);
  EXPECT_EQ(descriptor(3).length, nic_packet_length(5));
  // The receiver off: missed, not written.
  write(e1000::kRctl, 0);
  arrive(6, 1100);
  EXPECT_EQ(nic_.totals().dropped, 3u);
  EXPECT_EQ(nic_.totals().ring_full, 2u);
  EXPECT_EQ(nic_.totals().arrived, nic_.totals().dropped + nic_.totals().delivered);
}

TEST_F(NicModelTest, ADescriptorPointingOutsideMemoryIsMissedNotWritten) {
  memory_.write<std::uint64_t>(seen(kRing), 0xDEAD0000);  // a driver's bad buffer address
  arrive(0, 10);
  EXPECT_EQ(nic_.totals().dropped, 1u);
  EXPECT_EQ(nic_.totals().delivered, 0u);
  EXPECT_EQ(read(e1000::kRdh), 0u) << "the descriptor stays where it was";
  EXPECT_EQ(descriptor(0).status, 0);
}

TEST_F(NicModelTest, WithoutThrottlingEveryAcknowledgedPacketGetsItsOwnInterrupt) {
  write(e1000::kItr, 0);
  for (std::uint64_t k = 0; k < kCount - 1; ++k) {
    arrive(k, 10 * (k + 1));
    EXPECT_TRUE(line()) << k;
    (void)read(e1000::kIcr);
  }
  EXPECT_EQ(nic_.totals().raised, kCount - 1);
  EXPECT_EQ(nic_.totals().moderated, 0u);
  EXPECT_FALSE(fire_timer()) << "no interval to wait for";
}

TEST_F(NicModelTest, ThrottlingHoldsACauseUntilTheIntervalEndsAndFoldsWhatCameMeanwhile) {
  write(e1000::kItr, 100);  // 25.6 us: 51200 cycles at 2 GHz
  arrive(0, 1000);
  EXPECT_TRUE(line()) << "the first interrupt is not held";
  (void)read(e1000::kIcr);
  arrive(1, 2000);
  EXPECT_FALSE(line()) << "too soon after the last interrupt";
  arrive(2, 3000);
  EXPECT_FALSE(line());
  EXPECT_EQ(nic_.pending_causes(), 2u);
  ASSERT_TRUE(fire_timer());
  EXPECT_EQ(cpu_.cycles, 1000u + 51200u) << "the interval counts from the last interrupt";
  EXPECT_TRUE(line());
  EXPECT_EQ(nic_.totals().raised, 2u);
  EXPECT_EQ(nic_.totals().moderated, 1u) << "packet 2's cause rode on packet 1's interrupt";
  EXPECT_EQ(nic_.totals().causes, nic_.totals().raised + nic_.totals().moderated + nic_.pending_causes());
  // A cause while the line is still asserted folds into it too.
  arrive(3, 60000);
  (void)read(e1000::kIcr);
  EXPECT_EQ(nic_.totals().moderated, 2u);
  EXPECT_EQ(nic_.totals().raised, 2u);
  // Long after the interval a cause raises at once.
  arrive(4, 1'000'000);
  EXPECT_TRUE(line());
  EXPECT_EQ(nic_.totals().raised, 3u);
}

// The driver's register write that arms the moderation timer happens inside
// a run, whose stop the run loop planned before it (the next event then, or
// the turn's end, a million cycles away on a lone CPU): the timer's event
// moves that stop up to it, or the engine would run past it
// (SimCpu::schedule).
TEST_F(NicModelTest, ATimerArmedInsideARunMovesTheEnginesPlannedStopUpToIt) {
  write(e1000::kItr, 100);  // 51200 cycles at 2 GHz
  arrive(0, 1000);
  (void)read(e1000::kIcr);
  cpu_.cycles = 2000;
  cpu_.stop_at = 1'000'000;  // the run's planned stop
  write(e1000::kIcs, e1000::kIntRxt0);
  EXPECT_FALSE(line()) << "too soon after the last interrupt: held";
  EXPECT_EQ(cpu_.stop_at, 1000u + 51200u);
  ASSERT_TRUE(fire_timer());
  EXPECT_TRUE(line());
}

TEST_F(NicModelTest, RegisterAccessesCostBoardRegisterAccesses) {
  NicModel nic(BoardCosts{.board_register_read = 30, .board_register_write = 40}, kNicVector, memory_, kHz);
  SimCpu cpu(0);
  nic.write(cpu, e1000::kItr, 1);
  (void)nic.read(cpu, e1000::kIcr);
  EXPECT_EQ(cpu.cycles, 70u);
}

TEST(NicInTheSimulator, EveryPacketReachesTheBottomHalfIntactWithFewerInterruptsThanPackets) {
  const Report r = Simulator(load_scenario(kScenarios / "nic-rx.toml"), kImage).run();
  ASSERT_TRUE(r.pass()) << render_text(r);
  EXPECT_TRUE(r.devices.empty()) << "no uart0 source";
  ASSERT_EQ(r.nics.size(), 1u);
  const NicReport& n = r.nics[0];
  EXPECT_EQ(n.driver, "nic0");
  EXPECT_GT(n.delivered, 700u);
  EXPECT_EQ(n.dropped, 0u) << "a burst of 24 fits the ring";
  EXPECT_GE(n.packets + nic::kDescriptorCount, n.delivered) << "the bottom half kept up";
  if (n.packets == n.delivered) {
    EXPECT_EQ(n.checksum, n.delivered_checksum);
  }
  EXPECT_LT(n.raised, n.delivered / 2) << "moderation folds the bursts";
  EXPECT_GT(n.moderated, 0u);
  EXPECT_LE(n.interrupts, n.raised);
  bool named = false;
  for (const HandlerReport& h : r.handlers) {
    named = named || ((h.name == "nic0-rx" || h.name == "nic0-rx+switch") && h.vector == kNicVector);
  }
  EXPECT_TRUE(named) << "reports name the path by its driver";
  bool thread = false;
  for (const TaskReport& t : r.tasks) thread = thread || t.name == "nic0-bh";
  EXPECT_TRUE(thread) << "the bottom half runs in the driver's own kernel thread";
  const std::string text = render_text(r);
  EXPECT_NE(text.find("device nic0: "), std::string::npos);
}

// A burst larger than the ring within one moderation interval: the device
// misses what finds no descriptor, and the books still balance (the run passes).
TEST(NicInTheSimulator, ABurstLargerThanTheRingIsDroppedInTheDeviceAndCounted) {
  const std::string text = R"([scenario]
name = "nic-flood"
duration_ms = 3
[[task]]
name = "counter"
program = "counter"
[[source]]
name = "flood"
kind = "bursty"
driver = "nic0"
burst = 64
burst_rate_hz = 1000
spacing_cycles = 500
start_us = 500
)";
  const Report r = Simulator(parse_scenario(text, "flood.toml"), kImage).run();
  ASSERT_TRUE(r.pass()) << render_text(r);
  ASSERT_EQ(r.nics.size(), 1u);
  const NicReport& n = r.nics[0];
  EXPECT_GT(n.ring_full, 0u);
  EXPECT_EQ(n.dropped, n.ring_full) << "the receiver was on: every miss was a full ring";
  EXPECT_EQ(n.arrived, n.dropped + n.delivered);
  EXPECT_GT(n.overrun_reports, 0u) << "the driver saw RXO";
  EXPECT_EQ(n.packets, n.delivered) << "the bottom half emptied the ring after each burst";
  EXPECT_EQ(n.checksum, n.delivered_checksum);
}

// A driver whose bottom half changes the data it hands on (it folds no byte
// into its checksum: sim-kernel-broken-nic-checksum.elf) while counting
// every packet and byte: the device-data check names the checksum.
TEST(NicInTheSimulator, ABottomHalfThatChangesTheBytesFailsTheRun) {
  const Report r =
      Simulator(load_scenario(kScenarios / "nic-rx.toml"), PRISTINE_BUILD_DIR "/images/sim-kernel-broken-nic-checksum.elf")
          .run();
  EXPECT_FALSE(r.pass());
  ASSERT_EQ(r.nics.size(), 1u);
  EXPECT_EQ(r.nics[0].packets, r.nics[0].delivered) << "every packet processed";
  EXPECT_EQ(r.nics[0].bytes, r.nics[0].delivered_bytes);
  bool caught = false;
  for (const Violation& v : r.violations) {
    caught = caught || (v.kind == "device-data" && v.message.find("nic0: ") != std::string::npos &&
                        v.message.find("checksum") != std::string::npos);
  }
  EXPECT_TRUE(caught) << render_text(r);
}

NicReport intact_nic() {
  NicReport n{.driver = "nic0", .arrived = 10, .dropped = 1, .ring_full = 1, .delivered = 9, .delivered_bytes = 900};
  n.delivered_checksum = n.checksum = 0x1234;
  n.causes = 10;
  n.raised = 4;
  n.moderated = 5;
  n.pending_causes = 1;
  n.packets = 9;
  n.bytes = 900;
  return n;
}

std::vector<Violation> check(const NicReport& n) {
  Violations v;
  check_nic_data({n}, 100, v);
  return v.list();
}

TEST(NicDeviceDataCheck, PassesAnIntactRunAndCatchesABrokenDriverOrDevice) {
  EXPECT_TRUE(check(intact_nic()).empty());
  NicReport changed = intact_nic();
  changed.checksum = 0x4321;  // same packets, different bytes (or order)
  ASSERT_EQ(check(changed).size(), 1u);
  EXPECT_EQ(check(changed)[0].kind, "device-data");
  EXPECT_NE(check(changed)[0].message.find("nic0: "), std::string::npos);
  NicReport short_packet = intact_nic();
  short_packet.bytes = 899;  // a byte lost inside a packet
  EXPECT_EQ(check(short_packet).size(), 1u);
  NicReport invented = intact_nic();
  invented.packets = 10;  // more than was delivered
  EXPECT_EQ(check(invented).size(), 1u);
  NicReport untracked = intact_nic();
  untracked.arrived = 11;  // the device lost a packet without counting it
  EXPECT_EQ(check(untracked).size(), 1u);
  NicReport lost_cause = intact_nic();
  lost_cause.raised = 3;  // an interrupt cause neither raised, folded nor pending
  EXPECT_EQ(check(lost_cause).size(), 1u);
  NicReport unparsed = intact_nic();
  unparsed.bad_descriptors = 1;
  EXPECT_EQ(check(unparsed).size(), 1u);
  NicReport behind = intact_nic();
  behind.packets = 5;  // still in the ring at the end: not a loss, checksum not comparable
  behind.checksum = 0;
  EXPECT_TRUE(check(behind).empty());
}

TEST(NicPayload, LengthsSpanMinimumToMaximumWithinOneBuffer) {
  std::uint32_t shortest = 10000, longest = 0;
  for (std::uint64_t k = 0; k < 4096; ++k) {
    shortest = std::min(shortest, nic_packet_length(k));
    longest = std::max(longest, nic_packet_length(k));
  }
  EXPECT_EQ(shortest, kNicMinimumLength);
  EXPECT_EQ(longest, kNicMaximumLength);
  EXPECT_LE(kNicMaximumLength, nic::kBufferSize);
  EXPECT_NE(nic_payload_byte(0, 0), nic_payload_byte(1, 0));
}

}  // namespace
}  // namespace pristine::sim
