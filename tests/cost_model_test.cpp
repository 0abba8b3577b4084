// The cost model prices hand-written blocks: counts, sums and block flags.
#include "sim/cost_model.h"

#include <capstone/capstone.h>
#include <gtest/gtest.h>

#include <vector>

namespace pristine::sim {
namespace {

BlockCost price(std::vector<std::uint8_t> code) {
  static const CostModel model(CostTable::defaults());
  return model.price_block(code, 0x1000);
}

std::uint32_t cost(unsigned id) { return CostTable::defaults().instruction_cost(id, false, false); }

TEST(CostModel, PlainInstructionsCostOneCycleEach) {
  // add rax, 1 ; add rbx, 1 ; jmp -10
  const BlockCost b = price({0x48, 0x83, 0xc0, 0x01, 0x48, 0x83, 0xc3, 0x01, 0xeb, 0xf6});
  EXPECT_EQ(b.instructions, 3u);
  EXPECT_EQ(b.cycles, 3u);
  EXPECT_EQ(b.flags, kBlockNone);
  EXPECT_EQ(b.last_insn_offset, 8u);
}

// rep stosq runs one iteration per block in the engine; priced as fast
// strings, the run costs a start-up once and a cycle per 32 bytes stored.
TEST(CostModel, RepStosIsPricedAsAFastStringBurst) {
  // mov ecx, 512 ; rep stosq: the first iteration, in the block before the loop
  const BlockCost first = price({0xb9, 0x00, 0x02, 0x00, 0x00, 0xf3, 0x48, 0xab});
  EXPECT_EQ(first.cycles, 1u) << "the mov; the rep is charged per iteration";
  EXPECT_TRUE(first.flags & kBlockEndsWithFastString);
  EXPECT_EQ(first.fast_string_bytes, 8u);
  // Every later iteration is a block of the rep stosq alone.
  const BlockCost again = price({0xf3, 0x48, 0xab});
  EXPECT_EQ(again.cycles, 0u);
  EXPECT_EQ(again.instructions, 1u) << "each iteration counts, as QEMU -icount counts it";
  const CostTable table = CostTable::defaults();
  FastStringMeter meter;
  const VirtAddr rep = 0x1005;
  std::uint64_t cycles = table.fast_string_cycles(meter, rep, false, 8);
  for (int i = 1; i < 512; ++i) cycles += table.fast_string_cycles(meter, rep, true, 8);
  EXPECT_EQ(cycles, 35u + 4096 / 32) << "one start-up, 32 bytes per cycle: one page";
  EXPECT_EQ(table.fast_string_cycles(meter, rep, false, 8), 35u) << "a new run (after an interrupt) starts up again";
}

// A burst (Simulator::fast_string_burst) charges many iterations at once:
// exactly what as many continuing iterations charge one by one, from any
// meter, and the meter ends where theirs would.
TEST(CostModel, AFastStringBurstCostsWhatItsIterationsCostOneByOne) {
  const CostTable table = CostTable::defaults();
  const VirtAddr rep = 0x1005;
  for (const std::uint32_t bytes : {1u, 2u, 4u, 8u}) {
    for (const std::uint64_t already : {0u, 1u, 3u, 31u}) {  // iterations before the burst
      for (const std::uint64_t count : {0u, 1u, 7u, 33u, 511u}) {
        FastStringMeter one_by_one;
        table.fast_string_cycles(one_by_one, rep, false, bytes);
        for (std::uint64_t i = 0; i < already; ++i) table.fast_string_cycles(one_by_one, rep, true, bytes);
        FastStringMeter burst = one_by_one;
        std::uint64_t cycles = 0;
        for (std::uint64_t i = 0; i < count; ++i) cycles += table.fast_string_cycles(one_by_one, rep, true, bytes);
        EXPECT_EQ(table.fast_string_run(burst, count, bytes), cycles)
            << bytes << "-byte iterations, " << already << " before, " << count << " in the burst";
        EXPECT_EQ(burst.bytes, one_by_one.bytes);
        EXPECT_EQ(burst.at, one_by_one.at);
      }
    }
  }
}

// Only a rep whose bytes are where RDI and RSI say may run as a burst.
TEST(CostModel, PlainFastStringsAreMarkedForABurst) {
  const BlockCost stos = price({0xf3, 0x48, 0xab});  // rep stosq
  EXPECT_TRUE(stos.flags & kBlockFastStringPlain);
  EXPECT_FALSE(stos.flags & kBlockFastStringMoves);
  const BlockCost movs = price({0xf3, 0xa4});  // rep movsb
  EXPECT_TRUE(movs.flags & kBlockFastStringPlain);
  EXPECT_TRUE(movs.flags & kBlockFastStringMoves);
  const BlockCost gs_source = price({0x65, 0xf3, 0xa4});  // rep movsb with GS:RSI
  EXPECT_TRUE(gs_source.flags & kBlockEndsWithFastString);
  EXPECT_FALSE(gs_source.flags & kBlockFastStringPlain);
  const BlockCost short_addresses = price({0x67, 0xf3, 0xaa});  // rep stosb with EDI, ECX
  EXPECT_TRUE(short_addresses.flags & kBlockEndsWithFastString);
  EXPECT_FALSE(short_addresses.flags & kBlockFastStringPlain);
  EXPECT_FALSE(price({0xab}).flags & (kBlockEndsWithFastString | kBlockFastStringPlain)) << "stosd without rep";
}

TEST(CostModel, IretqBlockIsPricedAndFlagged) {
  // pop rax ; swapgs ; iretq
  const BlockCost b = price({0x58, 0x0f, 0x01, 0xf8, 0x48, 0xcf});
  EXPECT_EQ(b.instructions, 3u);
  EXPECT_EQ(b.cycles, 1 + cost(X86_INS_SWAPGS) + cost(X86_INS_IRETQ));
  EXPECT_TRUE(b.flags & kBlockEndsWithIret);
}

TEST(CostModel, PrivilegedAndSerializingInstructionsUseTheirTableCosts) {
  EXPECT_EQ(price({0x0f, 0x30}).cycles, cost(X86_INS_WRMSR));          // wrmsr
  EXPECT_EQ(price({0x0f, 0x32}).cycles, cost(X86_INS_RDMSR));          // rdmsr
  EXPECT_EQ(price({0x0f, 0x31}).cycles, cost(X86_INS_RDTSC));          // rdtsc
  EXPECT_EQ(price({0x48, 0x0f, 0xae, 0x00}).cycles, cost(X86_INS_FXSAVE64));   // fxsave64 [rax]
  EXPECT_EQ(price({0x48, 0x0f, 0xae, 0x08}).cycles, cost(X86_INS_FXRSTOR64));  // fxrstor64 [rax]
  const CostTable t = CostTable::defaults();
  EXPECT_EQ(price({0x0f, 0x22, 0xd8}).cycles, t.control_register_cost(3, true));   // mov cr3, rax
  EXPECT_EQ(price({0x0f, 0x20, 0xe0}).cycles, t.control_register_cost(4, false));  // mov rax, cr4
  EXPECT_GT(t.control_register_cost(3, true), 1u);
}

TEST(CostModel, LockPrefixAddsTheLockedCost) {
  // lock xadd [rdi], rax  vs  xadd [rdi], rax
  const BlockCost locked = price({0xf0, 0x48, 0x0f, 0xc1, 0x07});
  const BlockCost plain = price({0x48, 0x0f, 0xc1, 0x07});
  EXPECT_GT(locked.cycles, plain.cycles);
  EXPECT_EQ(price({0x48, 0x87, 0x07}).cycles, cost(X86_INS_XCHG)) << "xchg with memory is implicitly locked";
  EXPECT_EQ(price({0x48, 0x87, 0xd8}).cycles, 2u) << "xchg rax, rbx is not locked";
}

TEST(CostModel, InterruptShadowAndControlFlags) {
  EXPECT_TRUE(price({0x90, 0xfb}).flags & kBlockEndsWithSti);              // nop ; sti
  EXPECT_TRUE(price({0x8e, 0xd0}).flags & kBlockEndsWithSti);              // mov ss, ax
  EXPECT_TRUE(price({0xfb, 0xf4}).flags & kBlockEndsWithHlt);              // sti ; hlt
  EXPECT_FALSE(price({0xfb, 0xf4}).flags & kBlockEndsWithSti) << "only the last instruction counts";
  EXPECT_TRUE(price({0x0f, 0x05}).flags & kBlockEndsWithSyscall);          // syscall
  EXPECT_TRUE(price({0x48, 0x0f, 0x07}).flags & kBlockEndsWithSysret);     // sysretq
  EXPECT_TRUE(price({0xee, 0x90}).flags & kBlockHasPortIo);                // out dx, al ; nop
  EXPECT_TRUE(price({0x0f, 0x31, 0x90}).flags & kBlockHasRdtsc);           // rdtsc ; nop
}

// GuestCpu keeps the x87 and SSE registers while CR0.TS stays set: every
// instruction that may clear TS, or that Unicorn lets write them regardless
// (xrstor), must be flagged, and SSE itself need not be (it traps).
TEST(CostModel, WhatMayChangeTheFpuRegistersUnderTsIsFlagged) {
  EXPECT_TRUE(price({0x0f, 0x06}).flags & kBlockMayChangeFpu);                    // clts
  EXPECT_TRUE(price({0x0f, 0x22, 0xc0}).flags & kBlockMayChangeFpu);              // mov cr0, rax
  EXPECT_TRUE(price({0x0f, 0x01, 0xf0}).flags & kBlockMayChangeFpu);              // lmsw ax
  EXPECT_TRUE(price({0x48, 0x0f, 0xae, 0x2f}).flags & kBlockMayChangeFpu);        // xrstor64 [rdi]
  EXPECT_FALSE(price({0x0f, 0x22, 0xd8}).flags & kBlockMayChangeFpu);             // mov cr3, rax
  EXPECT_FALSE(price({0x66, 0x48, 0x0f, 0x6e, 0xc8}).flags & kBlockMayChangeFpu);  // movq xmm1, rax
}

// GuestCpu keeps the system registers across runs and forgets, before and
// after a block, only those the block's SystemWrites name: each instruction
// that writes a kept one must name it, or a stale value would be read.
TEST(CostModel, EachSystemWriteNamesTheKeptRegistersItMayWrite) {
  const auto writes = [](std::vector<std::uint8_t> code) {
    const BlockCost b = price(std::move(code));
    EXPECT_TRUE(b.flags & kBlockChangesSystem);
    return b.system_writes;
  };
  EXPECT_EQ(writes({0x0f, 0x01, 0xf8}), kWritesGsBase | kWritesKernelGsBase);  // swapgs
  EXPECT_EQ(writes({0x0f, 0x22, 0xd8}), kWritesCr3);                          // mov cr3, rax
  EXPECT_EQ(writes({0x0f, 0x22, 0xc0}), kWritesCr0 | kWritesEfer);            // mov cr0, rax (EFER.LMA)
  EXPECT_EQ(writes({0x0f, 0x22, 0xe0}), kWritesCr4);                          // mov cr4, rax
  EXPECT_EQ(writes({0x0f, 0x06}), kWritesCr0);                                // clts
  EXPECT_EQ(writes({0x0f, 0x30}), kWritesAnySystem);                          // wrmsr
  EXPECT_EQ(writes({0x0f, 0x01, 0x17}), kWritesGdtr);                         // lgdt [rdi]
  EXPECT_EQ(writes({0x0f, 0x01, 0x1f}), kWritesIdtr);                         // lidt [rdi]
  EXPECT_EQ(writes({0x0f, 0x00, 0xd8}), kWritesTr);                           // ltr ax
  EXPECT_EQ(writes({0x8e, 0xe8}), kWritesGsBase);                             // mov gs, ax
  EXPECT_EQ(writes({0xf3, 0x48, 0x0f, 0xae, 0xd8}), kWritesGsBase);           // wrgsbase rax
  EXPECT_EQ(writes({0x8e, 0xd8}), kWritesNone);                               // mov ds, ax
  EXPECT_EQ(writes({0x0f, 0x22, 0xd0}), kWritesNone);                         // mov cr2, rax
  // Several in a block: all of them.
  EXPECT_EQ(writes({0x0f, 0x01, 0xf8, 0x0f, 0x22, 0xd8}), kWritesGsBase | kWritesKernelGsBase | kWritesCr3);
  const BlockCost plain = price({0x48, 0xcf});  // iretq: changes the MMU's privilege, no system register
  EXPECT_FALSE(plain.flags & kBlockChangesSystem);
  EXPECT_EQ(plain.system_writes, kWritesNone);
}

TEST(CostModel, UndecodableBytesCountAsOneInstruction) {
  const BlockCost b = price({0x90, 0x06});  // nop ; push es (invalid in 64-bit mode)
  EXPECT_EQ(b.instructions, 2u);
  EXPECT_EQ(b.cycles, 2u);
}

TEST(CostModel, KeyFiguresFromTheDocumentedTable) {
  const CostTable t = CostTable::defaults();
  EXPECT_GE(t.events().board.console_char, 10000u) << "seed 000: a UART character costs 10 000+ cycles";
  EXPECT_GT(cost(X86_INS_IRETQ), 1u);
  EXPECT_GT(t.events().interrupt_delivery_from_user, t.events().interrupt_delivery_same_ring);
  for (const CostTable::Entry& e : t.entries()) EXPECT_FALSE(e.source.empty()) << e.mnemonic;
}

// The simulator performs the syscall entry (an event); Unicorn executes
// sysretq (an instruction). Each is charged once.
TEST(CostModel, SyscallIsAnEventAndSysretAnInstructionEachChargedOnce) {
  const CostTable t = CostTable::defaults();
  EXPECT_EQ(cost(X86_INS_SYSCALL), 0u);
  EXPECT_GT(t.events().syscall_entry, 0u);
  EXPECT_GT(cost(X86_INS_SYSRET), 0u);
}

TEST(CostModel, PricingIsDeterministic) {
  const std::vector<std::uint8_t> code = {0x58, 0x0f, 0x01, 0xf8, 0x48, 0xcf};
  const BlockCost a = price(code), b = price(code);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.instructions, b.instructions);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(price({}).instructions, 0u);
}

}  // namespace
}  // namespace pristine::sim
