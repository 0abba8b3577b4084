// The simulator delivers interrupts and exceptions itself; these tests pin each
// rule of Intel SDM Vol. 3, 6.12-6.14 that it implements.
#include "sim/x86_64/delivery.h"

#include <gtest/gtest.h>

#include <optional>

#include "hw-x86_64/cpu/exception_vectors.h"
#include "test_machine.h"

namespace pristine::sim {
namespace {

using testing::kFlagIf;
using testing::TestMachine;

constexpr std::uint16_t kKernelCs = 0x08, kKernelSs = 0x10, kUserCs = 0x23, kUserSs = 0x1b;

TEST(Delivery, SameRingFrameIsSsRspRflagsCsRipOnTheCurrentStack) {
  TestMachine m;
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 3);
  m.cpu.set_reg(UC_X86_REG_RFLAGS, 0x202 | (1u << 8) /* TF, must be cleared */);
  m.cpu.set_reg(UC_X86_REG_RSP, m.sym("kernel_stack_top") - 24);  // not 16-aligned on purpose
  const std::uint64_t old_rsp = m.cpu.reg(UC_X86_REG_RSP);

  const DeliveryOutcome out = deliver(m.cpu, m.memory, {0x41, DeliveryKind::External, 0});

  ASSERT_TRUE(out.delivered);
  EXPECT_FALSE(out.from_user);
  EXPECT_FALSE(out.stack_switched);
  const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(rsp, (old_rsp & ~15ull) - 40) << "RSP aligned to 16, then five words pushed";
  EXPECT_EQ(m.stack_word(rsp, 0), m.sym("ring0_loop"));
  EXPECT_EQ(m.stack_word(rsp, 1), kKernelCs);
  EXPECT_EQ(m.stack_word(rsp, 2), 0x202u | (1u << 8));
  EXPECT_EQ(m.stack_word(rsp, 3), old_rsp);
  EXPECT_EQ(m.stack_word(rsp, 4), kKernelSs);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(0x41));
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RFLAGS) & kFlagIf, 0u) << "an interrupt gate clears IF";
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RFLAGS) & (1u << 8), 0u) << "delivery clears TF";
}

TEST(Delivery, TrapGateLeavesInterruptsEnabled) {
  TestMachine m;
  m.set_gate(0x42, 0, 0, true, 0xF);
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  m.cpu.set_reg(UC_X86_REG_RFLAGS, 0x202);
  ASSERT_TRUE(deliver(m.cpu, m.memory, {0x42, DeliveryKind::External, 0}).delivered);
  EXPECT_NE(m.cpu.reg(UC_X86_REG_RFLAGS) & kFlagIf, 0u);
}

TEST(Delivery, FromRing3SwitchesToTssRsp0AndEntersRing0) {
  TestMachine m;
  m.run_to(m.sym("enter_user"), m.sym("user_loop"), 5);
  ASSERT_EQ(m.cpu.cpl(), 3u);
  const std::uint64_t user_rsp = m.cpu.reg(UC_X86_REG_RSP);
  const std::uint64_t user_rbx = m.cpu.reg(UC_X86_REG_RBX);
  m.cpu.set_reg(UC_X86_REG_R13, 0x1313131313131313);

  const DeliveryOutcome out = deliver(m.cpu, m.memory, {0x41, DeliveryKind::External, 0});

  ASSERT_TRUE(out.delivered);
  EXPECT_TRUE(out.from_user);
  EXPECT_TRUE(out.stack_switched);
  const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(rsp, m.sym("rsp0_stack_top") - 40);
  EXPECT_EQ(m.stack_word(rsp, 0), m.sym("user_loop"));
  EXPECT_EQ(m.stack_word(rsp, 1), kUserCs);
  EXPECT_NE(m.stack_word(rsp, 2) & kFlagIf, 0u);
  EXPECT_EQ(m.stack_word(rsp, 3), user_rsp);
  EXPECT_EQ(m.stack_word(rsp, 4), kUserSs);
  EXPECT_EQ(m.cpu.cs(), kKernelCs);
  EXPECT_EQ(m.cpu.cpl(), 0u);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RBX), user_rbx) << "general registers survive the transition";
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_R13), 0x1313131313131313u);

  // The handler really runs in ring 0: its hlt would raise #GP in ring 3.
  EXPECT_EQ(m.run_until_halt(), UC_ERR_OK);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(0x41) + 1);
}

TEST(Delivery, IretqFromTheHandlerResumesRing3) {
  TestMachine m;
  m.run_to(m.sym("enter_user"), m.sym("user_loop"), 2);
  ASSERT_TRUE(deliver(m.cpu, m.memory, {0x41, DeliveryKind::External, 0}).delivered);
  // Run an iretq from the frame the delivery built: back to ring 3, same RSP.
  const std::uint8_t iretq[] = {0x48, 0xcf};
  m.memory.write_bytes(m.handler(0x41), iretq);
  m.run_to(m.handler(0x41), m.sym("user_loop"), 1);
  EXPECT_EQ(m.cpu.cpl(), 3u);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RSP), m.sym("user_stack_top"));
}

TEST(Delivery, IstGateSwitchesStackEvenWithinRing0) {
  TestMachine m;
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  const DeliveryOutcome out =
      deliver(m.cpu, m.memory, {vectors::kDoubleFault, DeliveryKind::Exception, 0});
  ASSERT_TRUE(out.delivered);
  EXPECT_EQ(out.ist, 1);
  const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(rsp, m.sym("ist1_stack_top") - 48) << "#DF pushes an error code too";
  EXPECT_EQ(m.stack_word(rsp, 0), 0u);
  EXPECT_EQ(m.stack_word(rsp, 1), m.sym("ring0_loop"));
}

TEST(Delivery, ExceptionsWithErrorCodesPushItBelowRip) {
  TestMachine m;
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  const DeliveryOutcome out =
      deliver(m.cpu, m.memory, {vectors::kGeneralProtection, DeliveryKind::Exception, 0x28});
  ASSERT_TRUE(out.delivered);
  const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(m.stack_word(rsp, 0), 0x28u);
  EXPECT_EQ(m.stack_word(rsp, 1), m.sym("ring0_loop"));
  EXPECT_EQ(m.stack_word(rsp, 2), kKernelCs);
}

TEST(Delivery, ExceptionsWithoutErrorCodesAndExternalVectorsPushNone) {
  for (const DeliveryRequest request :
       {DeliveryRequest{vectors::kInvalidOpcode, DeliveryKind::Exception, 0x99},
        DeliveryRequest{vectors::kGeneralProtection, DeliveryKind::External, 0x99}}) {
    TestMachine m;
    m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
    const std::uint64_t old_rsp = m.cpu.reg(UC_X86_REG_RSP);
    ASSERT_TRUE(deliver(m.cpu, m.memory, request).delivered);
    const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
    EXPECT_EQ(rsp, (old_rsp & ~15ull) - 40) << "vector " << int(request.vector);
    EXPECT_EQ(m.stack_word(rsp, 0), m.sym("ring0_loop"));
  }
}

TEST(Delivery, SoftwareIntThroughARing0GateRaisesGeneralProtection) {
  TestMachine m;
  m.run_to(m.sym("enter_user"), m.sym("user_loop"), 1);
  const DeliveryOutcome out = deliver(m.cpu, m.memory, {0x40, DeliveryKind::Software, 0});
  ASSERT_TRUE(out.delivered);
  EXPECT_EQ(out.vector, vectors::kGeneralProtection);
  const std::uint64_t rsp = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(m.stack_word(rsp, 0), (0x40u << 3) | 2) << "error code names the IDT entry";
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(vectors::kGeneralProtection));
}

TEST(Delivery, SoftwareIntThroughARing3GateIsDelivered) {
  TestMachine m;
  m.set_gate(0x80, 0, 3, true);
  m.run_to(m.sym("enter_user"), m.sym("user_loop"), 1);
  const DeliveryOutcome out = deliver(m.cpu, m.memory, {0x80, DeliveryKind::Software, 0});
  ASSERT_TRUE(out.delivered);
  EXPECT_EQ(out.vector, 0x80);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(0x80));
}

TEST(Delivery, NotPresentGateRaisesSegmentNotPresentWithExtBit) {
  TestMachine m;
  m.set_gate(0x44, 0, 0, false);
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  const DeliveryOutcome out = deliver(m.cpu, m.memory, {0x44, DeliveryKind::External, 0});
  ASSERT_TRUE(out.delivered);
  EXPECT_EQ(out.vector, vectors::kSegmentNotPresent);
  EXPECT_EQ(m.stack_word(m.cpu.reg(UC_X86_REG_RSP), 0), (0x44u << 3) | 2 | 1);
}

TEST(Delivery, FaultWhileDeliveringDoubleFaultIsATripleFault) {
  TestMachine m;
  m.set_gate(vectors::kDoubleFault, 1, 0, false);
  m.set_gate(vectors::kGeneralProtection, 0, 0, false);
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  const DeliveryOutcome out =
      deliver(m.cpu, m.memory, {vectors::kGeneralProtection, DeliveryKind::Exception, 0});
  EXPECT_FALSE(out.delivered);
  EXPECT_NE(out.failure.find("triple fault"), std::string::npos);
}

TEST(Delivery, NestedDeliveryStacksBelowTheFirstFrame) {
  TestMachine m;
  m.run_to(m.sym("ring0_loop"), m.sym("ring0_loop"), 1);
  ASSERT_TRUE(deliver(m.cpu, m.memory, {0x41, DeliveryKind::External, 0}).delivered);
  const std::uint64_t first = m.cpu.reg(UC_X86_REG_RSP);
  m.cpu.set_reg(UC_X86_REG_RFLAGS, 0x202);  // as if the handler had executed sti
  ASSERT_TRUE(deliver(m.cpu, m.memory, {0x51, DeliveryKind::External, 0}).delivered);
  const std::uint64_t second = m.cpu.reg(UC_X86_REG_RSP);
  EXPECT_EQ(second, (first & ~15ull) - 40);
  EXPECT_EQ(m.stack_word(second, 0), m.handler(0x41)) << "returns into the first handler";
  EXPECT_EQ(m.stack_word(second, 3), first);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(0x51));
}

TEST(Delivery, InterruptWindowNeedsIfAndNoShadow) {
  EXPECT_TRUE(interrupt_window_open(0x202, kBlockNone));
  EXPECT_FALSE(interrupt_window_open(0x002, kBlockNone)) << "IF = 0 masks external interrupts";
  EXPECT_FALSE(interrupt_window_open(0x202, kBlockEndsWithSti)) << "sti shadow";
  EXPECT_TRUE(interrupt_window_open(0x202, kBlockEndsWithIret));
}

TEST(Delivery, RepeatedExceptionsDoNotEscalateInsideUnicorn) {
  // Unicorn reports a second exception as #DF (and stops on the third) unless
  // its in-flight marker is cleared; delivery through the ring-0 template must
  // clear it every time.
  TestMachine m;
  std::optional<std::uint32_t> raised;
  uc_hook hook;
  auto on_intr = [](uc_engine* uc, std::uint32_t intno, void* user) {
    *static_cast<std::optional<std::uint32_t>*>(user) = intno;
    uc_emu_stop(uc);
  };
  ASSERT_EQ(uc_hook_add(m.cpu.uc(), &hook, UC_HOOK_INTR, reinterpret_cast<void*>(+on_intr), &raised, 1, 0),
            UC_ERR_OK);
  const std::uint8_t int_0x40[] = {0xcd, 0x40};
  m.memory.write_bytes(m.handler(0x60), int_0x40);
  for (int i = 0; i < 5; ++i) {
    raised.reset();
    m.cpu.set_reg(UC_X86_REG_RIP, m.handler(0x60));
    m.run_until_halt();
    ASSERT_EQ(raised, 0x40u) << "round " << i << ": the engine escalated the exception";
    ASSERT_TRUE(deliver(m.cpu, m.memory, {0x40, DeliveryKind::Software, 0}).delivered);
    EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), m.handler(0x40));
  }
}

}  // namespace
}  // namespace pristine::sim
