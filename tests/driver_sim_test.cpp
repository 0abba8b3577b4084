// uart0's driver in the simulator (sim/uart_model.h, docs/drivers.md): the
// board's 16550 model and the kernel's top and bottom halves move every
// byte intact, the path is named by its driver, and the "device-data"
// check catches a driver that loses or changes bytes. The same driver on
// the PC: tests/boot_test.cpp (Boot.TheUartDriverReceivesEveryByte...).
#include <gtest/gtest.h>

#include "core/drivers/uart.h"
#include "sim/end_of_run_checks.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "core/drivers/uart_payload.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";
const std::filesystem::path kScenarios = PRISTINE_SOURCE_DIR "/scenarios";

TEST(UartInTheSimulator, EveryByteReachesTheBottomHalfIntact) {
  const Report r = Simulator(load_scenario(kScenarios / "uart-rx.toml"), kImage).run();
  ASSERT_TRUE(r.pass()) << render_text(r);
  ASSERT_EQ(r.devices.size(), 1u);
  const DeviceReport& d = r.devices[0];
  EXPECT_EQ(d.driver, "uart0");
  EXPECT_GT(d.read, 500u);
  EXPECT_EQ(d.captured, d.read);
  EXPECT_EQ(d.ring_full, 0u);
  EXPECT_EQ(d.consumed, d.read) << "the bottom half caught up by the end";
  EXPECT_EQ(d.checksum, d.read_checksum);
  EXPECT_EQ(d.arrived, d.overruns + d.read + d.cleared + d.left_in_device);
  bool named = false;
  for (const HandlerReport& h : r.handlers) named = named || (h.name == "uart0-rx" && h.vector == Vector{0x44});
  EXPECT_TRUE(named) << "reports name the path by its driver";
  bool thread = false;
  for (const TaskReport& t : r.tasks) thread = thread || t.name == "uart0-bh";
  EXPECT_TRUE(thread) << "the bottom half runs in the driver's own kernel thread";
}

TEST(UartInTheSimulator, ADriverStartsOnlyWhenASourceDrivesItsDevice) {
  const Report r = Simulator(load_scenario(kScenarios / "quiet.toml"), kImage).run();
  EXPECT_TRUE(r.devices.empty());
  for (const TaskReport& t : r.tasks) EXPECT_NE(t.name, "uart0-bh");
}

TEST(UartInTheSimulator, ABareVectorOnADriversLineIsRefused) {
  const std::string text = R"([scenario]
name = "x"
duration_ms = 1
[[task]]
name = "c"
program = "counter"
[[source]]
name = "s"
kind = "periodic"
vector = 0x44
period_us = 10
)";
  try {
    parse_scenario(text, "bare.toml");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("bare.toml:10: source[0].vector: 0x44 is the line of driver uart0"),
              std::string::npos)
        << e.what();
  }
}

TEST(UartInTheSimulator, ADriverSourceTakesNoCpuAndAnUnknownDriverIsNamed) {
  const std::string base = "[scenario]\nname = \"x\"\nduration_ms = 1\n[[source]]\nname = \"s\"\nkind = \"periodic\"\n"
                           "period_us = 10\n";
  EXPECT_THROW(parse_scenario(base + "driver = \"uart0\"\ncpu = 0\n", "a.toml"), ScenarioError);
  try {
    parse_scenario(base + "driver = \"nic9\"\n", "b.toml");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown driver 'nic9': must be one of uart0"), std::string::npos) << e.what();
  }
}

// A ring-3 driver (scenarios/irq-driver.toml): its error checks pass (it
// would exit 1xx), a spawned copy may not bind (exits 7), every interrupt
// after the bind wakes it, and the interrupt-to-user path stays under the gate.
TEST(RingThreeDriver, IsWokenByEveryInterruptOfItsLineWithinTheGate) {
  const Report r = Simulator(load_scenario(kScenarios / "irq-driver.toml"), kImage).run();
  ASSERT_TRUE(r.pass()) << render_text(r);
  const TaskReport* driver = nullptr;
  const TaskReport* child = nullptr;
  for (const TaskReport& t : r.tasks) {
    if (t.name == "driver") driver = &t;
    if (t.name == "irq-driver") child = &t;
  }
  ASSERT_NE(driver, nullptr);
  ASSERT_NE(child, nullptr) << "the spawned copy is listed by its program's name";
  EXPECT_FALSE(child->alive);
  EXPECT_EQ(child->exit_code, 7);
  const HandlerReport* line = nullptr;
  const HandlerReport* latency = nullptr;
  std::uint64_t delivered = 0;
  for (const HandlerReport& h : r.handlers) {
    if (h.vector == Vector{0x48}) delivered += h.count;
    if (h.name == "device8+switch") line = &h;
    if (h.name == "irq-to-user") latency = &h;
  }
  ASSERT_NE(line, nullptr) << "the line's top half wakes the driver, which preempts the counter";
  ASSERT_NE(latency, nullptr);
  EXPECT_GT(latency->count, 300u);
  EXPECT_LT(latency->cycles.max, 1000u);
  // Progress: 1 for the checks, then every interrupt collected: at least one
  // per wake-up, at most every one delivered (those before the bind, while it
  // was being scheduled and checking, are nobody's).
  EXPECT_GE(driver->progress - 1, line->count) << "delivered " << delivered;
  EXPECT_LE(driver->progress - 1, delivered);
  EXPECT_GE(latency->count, line->count) << "each wake-up is followed by the driver's return to ring 3";
}

DeviceReport intact() {
  DeviceReport d{.driver = "uart0", .arrived = 10, .overruns = 1, .read = 8, .cleared = 0, .left_in_device = 1};
  d.captured = 8;
  d.consumed = 8;
  d.read_checksum = d.checksum = 0x1234;
  return d;
}

std::vector<Violation> check(const DeviceReport& d) {
  Violations v;
  check_device_data({d}, 100, v);
  return v.list();
}

TEST(DeviceDataCheck, PassesAnIntactRunAndCatchesEveryKindOfLoss) {
  EXPECT_TRUE(check(intact()).empty());
  DeviceReport lost = intact();
  lost.captured = 7;  // a byte read from the device went nowhere
  ASSERT_EQ(check(lost).size(), 1u);
  EXPECT_EQ(check(lost)[0].kind, "device-data");
  DeviceReport changed = intact();
  changed.checksum = 0x4321;  // same count, different bytes (or order)
  EXPECT_EQ(check(changed).size(), 1u);
  DeviceReport invented = intact();
  invented.consumed = 9;  // the bottom half consumed more than was queued
  EXPECT_EQ(check(invented).size(), 1u);
  DeviceReport untracked = intact();
  untracked.arrived = 11;  // the model lost a byte without counting it
  EXPECT_EQ(check(untracked).size(), 1u);
  DeviceReport mid = intact();
  mid.captured = mid.consumed = 8 - uart::kBytesPerInterrupt;  // the run ended inside the top half
  mid.ended_in_top_half = true;
  EXPECT_TRUE(check(mid).empty()) << "bytes read and not yet counted are not lost";
  mid.captured = mid.consumed = 8 - uart::kBytesPerInterrupt - 1;
  EXPECT_EQ(check(mid).size(), 1u) << "more than one top half's worth is a loss";
  DeviceReport behind = intact();
  behind.consumed = 5;  // still in the ring at the end: not a loss, checksum not comparable
  behind.checksum = 0;
  EXPECT_TRUE(check(behind).empty());
}

TEST(UartPayload, EveryByteValueOccursEarly) {
  bool seen[256] = {};
  for (std::uint64_t k = 0; k < 4096; ++k) seen[uart_payload_byte(k)] = true;
  for (int v = 0; v < 256; ++v) EXPECT_TRUE(seen[v]) << v;
}

}  // namespace
}  // namespace pristine::sim
