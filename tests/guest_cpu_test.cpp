// GuestCpu keeps what it read at a stop (a register cache, a state snapshot)
// and a #PF's CR2 until the entry that takes it: these tests pin that nothing
// read back is ever stale, and that a ring-0 entry, which writes back only
// what differs from its template, still leaves the whole state it was given.
#include "sim/x86_64/guest_cpu.h"

#include <gtest/gtest.h>

#include <cstring>

#include "test_machine.h"

namespace pristine::sim {
namespace {

using testing::TestMachine;

// `mov rax, 0x1234; hlt` at a spare interrupt handler slot (16 bytes each).
VirtAddr write_mov_rax_hlt(TestMachine& m) {
  const VirtAddr code = m.handler(0xF0);
  const std::uint8_t bytes[] = {0x48, 0xC7, 0xC0, 0x34, 0x12, 0x00, 0x00, 0xF4};
  for (std::size_t i = 0; i < sizeof bytes; ++i) m.memory.write<std::uint8_t>(code + i, bytes[i]);
  return code;
}

TEST(GuestCpu, AReadAfterAWriteSeesTheWrite) {
  TestMachine m;
  m.cpu.set_reg(UC_X86_REG_RAX, 1);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RAX), 1u);
  EXPECT_EQ(m.cpu.state().gpr[0], 1u);
  m.cpu.set_reg(UC_X86_REG_RAX, 2);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RAX), 2u) << "the register cache forgot the old value";
  EXPECT_EQ(m.cpu.state().gpr[0], 2u) << "so did the state snapshot";
}

// MSRs come from the stop's state once it was read (a system call's entry
// reads three), and never outlive a write.
TEST(GuestCpu, AnMsrReadsBackFromTheStateAndAfterAWrite) {
  TestMachine m;
  m.cpu.set_msr(kMsrLstar, 0xFFFF'8000'0000'1000);
  EXPECT_EQ(m.cpu.state().msr[2], 0xFFFF'8000'0000'1000u);
  EXPECT_EQ(m.cpu.msr(kMsrLstar), 0xFFFF'8000'0000'1000u);
  m.cpu.set_msr(kMsrLstar, 0xFFFF'8000'0000'2000);
  EXPECT_EQ(m.cpu.msr(kMsrLstar), 0xFFFF'8000'0000'2000u) << "the state read before the write is stale";
  m.cpu.set_msr(kMsrSfmask, 0x700);
  ASSERT_EQ(m.cpu.state().msr[4], 0x700u);
  m.cpu.set_reg(UC_X86_REG_RAX, 5);  // a general register's write keeps the state
  EXPECT_EQ(m.cpu.msr(kMsrSfmask), 0x700u);
  EXPECT_EQ(m.cpu.msr(kMsrLstar), 0xFFFF'8000'0000'2000u);
}

TEST(GuestCpu, ARunForgetsWhatWasReadBeforeIt) {
  TestMachine m;
  const VirtAddr code = write_mov_rax_hlt(m);
  m.cpu.set_reg(UC_X86_REG_RAX, 0);
  ASSERT_EQ(m.cpu.reg(UC_X86_REG_RAX), 0u);
  ASSERT_EQ(m.cpu.state().rip, m.cpu.pc());
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RAX), 0x1234u);
  EXPECT_EQ(m.cpu.state().gpr[0], 0x1234u);
  EXPECT_EQ(m.cpu.pc(), code + 8) << "after the hlt";
}

// The system registers (GS base here) are kept across runs for an owner that
// reports its blocks; a block that may write one (swapgs) must make the next
// read go to the engine, or the run loop would read the user's GS base as
// the kernel's.
TEST(GuestCpu, ASystemRegisterAGuestBlockWroteIsReadAfresh) {
  TestMachine m;
  const VirtAddr code = m.handler(0xF1);
  const std::uint8_t swapgs_hlt[] = {0x0F, 0x01, 0xF8, 0xF4};
  for (std::size_t i = 0; i < sizeof swapgs_hlt; ++i) m.memory.write<std::uint8_t>(code + i, swapgs_hlt[i]);
  m.cpu.reports_blocks();
  uc_hook hook;
  ASSERT_EQ(uc_hook_add(m.cpu.uc(), &hook, UC_HOOK_BLOCK,
                        reinterpret_cast<void*>(+[](uc_engine*, std::uint64_t, std::uint32_t, void* cpu) {
                          // as the run loop: swapgs
                          static_cast<GuestCpu*>(cpu)->block_ahead(false, kWritesGsBase | kWritesKernelGsBase);
                        }),
                        &m.cpu, 1, 0),
            UC_ERR_OK);
  m.cpu.set_reg(UC_X86_REG_GS_BASE, 0x1000);
  m.cpu.set_msr(kMsrKernelGsBase, 0x2000);
  ASSERT_EQ(m.cpu.reg(UC_X86_REG_GS_BASE), 0x1000u);
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_GS_BASE), 0x2000u) << "the GS base kept from before the swapgs";
  EXPECT_EQ(m.cpu.msr(kMsrKernelGsBase), 0x1000u);
}

// A block forgets only the kept registers it may write (SystemWrites), and
// forgets them again after it: a read in the next block, inside the same run
// (as the run loop's hooks read), is the engine's, and the registers it
// cannot write are still right whether kept or read.
TEST(GuestCpu, TheBlockAfterASwapgsReadsTheSwappedBasesAndTheRestUnchanged) {
  TestMachine m;
  const VirtAddr code = m.handler(0xF3);
  // swapgs; jmp +0 (ends the block); hlt
  const std::uint8_t swapgs_jmp_hlt[] = {0x0F, 0x01, 0xF8, 0xEB, 0x00, 0xF4};
  for (std::size_t i = 0; i < sizeof swapgs_jmp_hlt; ++i) m.memory.write<std::uint8_t>(code + i, swapgs_jmp_hlt[i]);
  m.cpu.reports_blocks();
  struct Seen {
    GuestCpu* cpu;
    VirtAddr second_block;
    std::uint64_t gs_base = 0, kernel_gs_base = 0, lstar = 0;
  } seen{&m.cpu, code + 5};
  uc_hook hook;
  ASSERT_EQ(uc_hook_add(m.cpu.uc(), &hook, UC_HOOK_BLOCK,
                        reinterpret_cast<void*>(+[](uc_engine*, std::uint64_t address, std::uint32_t, void* user) {
                          auto& s = *static_cast<Seen*>(user);
                          const bool second = address == s.second_block;
                          // as the run loop: the swapgs block, then the block after it
                          s.cpu->block_ahead(false, second ? kWritesNone : kWritesGsBase | kWritesKernelGsBase);
                          if (!second) return;
                          s.gs_base = s.cpu->reg(UC_X86_REG_GS_BASE);
                          s.kernel_gs_base = s.cpu->msr(kMsrKernelGsBase);
                          s.lstar = s.cpu->msr(kMsrLstar);
                        }),
                        &seen, 1, 0),
            UC_ERR_OK);
  m.cpu.set_reg(UC_X86_REG_GS_BASE, 0x1000);
  m.cpu.set_msr(kMsrKernelGsBase, 0x2000);
  m.cpu.set_msr(kMsrLstar, 0xFFFF'8000'0000'3000);
  const ArchState before = m.cpu.state();  // every kept register known from here
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  EXPECT_EQ(seen.gs_base, 0x2000u) << "the GS base kept from before the swapgs";
  EXPECT_EQ(seen.kernel_gs_base, 0x1000u) << "KERNEL_GS_BASE kept from before the swapgs";
  EXPECT_EQ(seen.lstar, 0xFFFF'8000'0000'3000u);
  const ArchState& after = m.cpu.state();
  EXPECT_EQ(after.gs_base, 0x2000u);
  EXPECT_EQ(after.msr[5], 0x1000u);
  EXPECT_EQ(after.msr[2], 0xFFFF'8000'0000'3000u);
  EXPECT_EQ(after.cr3, before.cr3);
  EXPECT_EQ(after.cr0, before.cr0);
}

// A CR3 write inside a run forgets CR3 (and only a block that writes it
// does): read after the run, it is the engine's, not the one kept before.
TEST(GuestCpu, ACr3AGuestBlockWroteIsReadAfresh) {
  TestMachine m;
  const VirtAddr code = m.handler(0xF4);
  const std::uint64_t cr3 = m.cpu.reg(UC_X86_REG_CR3);
  // The same tables back with CR3.PWT set: a value the run loop cannot have kept.
  const std::uint8_t code_bytes[] = {0x0F, 0x20, 0xD8,        // mov rax, cr3
                                     0x48, 0x83, 0xC8, 0x08,  // or rax, 8 (PWT)
                                     0x0F, 0x22, 0xD8,        // mov cr3, rax
                                     0xF4};
  for (std::size_t i = 0; i < sizeof code_bytes; ++i) m.memory.write<std::uint8_t>(code + i, code_bytes[i]);
  m.cpu.reports_blocks();
  uc_hook hook;
  ASSERT_EQ(uc_hook_add(m.cpu.uc(), &hook, UC_HOOK_BLOCK,
                        reinterpret_cast<void*>(+[](uc_engine*, std::uint64_t, std::uint32_t, void* cpu) {
                          static_cast<GuestCpu*>(cpu)->block_ahead(true, kWritesCr3);
                        }),
                        &m.cpu, 1, 0),
            UC_ERR_OK);
  ASSERT_EQ(m.cpu.state().cr3, cr3);  // kept
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_CR3), cr3 | 8) << "the CR3 kept from before the run";
  EXPECT_EQ(m.cpu.state().cr3, cr3 | 8);
}

// A delivery's last writes (RSP, RFLAGS, RIP) go to the engine in one call;
// RFLAGS reads back with its fixed bit 1 set, as the CPU has it, not as written.
TEST(GuestCpu, AHandlerTransferReadsBackAsTheEngineHasIt) {
  TestMachine m;
  const VirtAddr code = write_mov_rax_hlt(m);
  const std::uint64_t rsp = m.sym("kernel_stack_top") - 128;
  ASSERT_EQ(m.cpu.reg(UC_X86_REG_RSP), m.cpu.reg(UC_X86_REG_RSP));  // the stop's registers, read and kept
  m.cpu.set_rsp_rflags_rip(rsp, 0x0, code);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RSP), rsp);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), code);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RFLAGS), 0x2u) << "RFLAGS as written, not as the CPU reads it";
  EXPECT_EQ(m.cpu.state().gpr[7], rsp) << "a stale snapshot";
  std::uint64_t engine_rsp = 0, engine_rip = 0;
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_RSP, &engine_rsp), UC_ERR_OK);
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_RIP, &engine_rip), UC_ERR_OK);
  EXPECT_EQ(engine_rsp, rsp);
  EXPECT_EQ(engine_rip, code);
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RIP), code + 8) << "the RIP kept from before the run";
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RSP), rsp);
}

// The x87 and SSE registers are kept across runs only while CR0.TS keeps
// them: a run that starts with TS clear may change them (movq xmm1, rax).
TEST(GuestCpu, TheSseRegistersAreReadAfreshAfterARunWithTsClear) {
  TestMachine m;
  m.cpu.reports_blocks();
  const VirtAddr code = m.handler(0xF2);
  const std::uint8_t movq_hlt[] = {0x66, 0x48, 0x0F, 0x6E, 0xC8, 0xF4};
  for (std::size_t i = 0; i < sizeof movq_hlt; ++i) m.memory.write<std::uint8_t>(code + i, movq_hlt[i]);
  m.cpu.set_reg(UC_X86_REG_CR4, m.cpu.reg(UC_X86_REG_CR4) | (1u << 9));  // CR4.OSFXSR: SSE enabled
  m.cpu.set_reg(UC_X86_REG_CR0, m.cpu.reg(UC_X86_REG_CR0) & ~x86::kCr0TaskSwitched);
  const auto before = m.cpu.state().fpu.xmm[1];  // read at a stop: kept
  m.cpu.set_reg(UC_X86_REG_RAX, 0x1122334455667788);
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  std::uint64_t low = 0;
  std::memcpy(&low, m.cpu.state().fpu.xmm[1].data(), sizeof low);
  EXPECT_EQ(low, 0x1122334455667788u) << "the SSE registers kept from before the run";
  EXPECT_NE(m.cpu.state().fpu.xmm[1], before);
}

TEST(GuestCpu, AFaultAddressReadsBackAtOnceAndReachesTheEngineByTheNextRun) {
  TestMachine m;
  const VirtAddr code = write_mov_rax_hlt(m);
  const std::uint64_t cr3 = m.cpu.reg(UC_X86_REG_CR3);
  m.cpu.set_fault_address(0xDEAD000);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_CR2), 0xDEAD000u);
  EXPECT_EQ(m.cpu.state().cr2, 0xDEAD000u);
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  std::uint64_t engine_cr2 = 0, engine_cr3 = 0;
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_CR2, &engine_cr2), UC_ERR_OK);
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_CR3, &engine_cr3), UC_ERR_OK);
  EXPECT_EQ(engine_cr2, 0xDEAD000u);
  EXPECT_EQ(engine_cr3, cr3) << "Unicorn 2.1.1's CR2 write loads CR3: it must be put back";
}

// CR2 is the last #PF's address until the next one, whatever entries come
// between: a later entry restores the template, which must not bring back
// the CR2 it was captured with. CR3 stays the state's (Unicorn 2.1.1 loads
// CR3 from a CR2 written through the engine).
TEST(GuestCpu, CrTwoKeepsTheLastFaultsAddressAcrossLaterEntries) {
  TestMachine m;
  const VirtAddr rip = m.sym("ring0_loop");
  const std::uint64_t rsp = m.sym("kernel_stack_top") - 64;
  ArchState s = m.cpu.state();
  ASSERT_NE(s.cr2, 0x7F00'1234'5000u);
  s.cr2 = 0x7F00'1234'5000;
  m.cpu.enter_ring0(s, 0x08, 0x10, rsp, rip, 0x2, /*with_fault_address=*/true);
  std::uint64_t engine_cr2 = 0, engine_cr3 = 0;
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_CR2, &engine_cr2), UC_ERR_OK);
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_CR3, &engine_cr3), UC_ERR_OK);
  EXPECT_EQ(engine_cr2, 0x7F00'1234'5000u);
  EXPECT_EQ(engine_cr3, s.cr3);
  const ArchState after_fault = m.cpu.state();
  m.cpu.enter_ring0(after_fault, 0x08, 0x10, rsp, rip, 0x2, /*with_fault_address=*/false);
  ASSERT_EQ(uc_reg_read(m.cpu.uc(), UC_X86_REG_CR2, &engine_cr2), UC_ERR_OK);
  EXPECT_EQ(engine_cr2, 0x7F00'1234'5000u) << "an entry that is not a #PF brought back an older CR2";
  EXPECT_EQ(m.cpu.state().cr2, 0x7F00'1234'5000u);
}

TEST(GuestCpu, ARingZeroEntryLeavesTheWholeStateItWasGiven) {
  TestMachine m;
  ArchState s = m.cpu.state();  // the template's state, now changed in part
  // Every general register its own value (enter_ring0 writes them into the
  // template's context, each at the place found for it).
  for (std::size_t i = 0; i < 16; ++i) s.gpr[i] = 0x5150'0000'0000'0000 + (i << 8);
  s.gpr[0] = 0x1111;
  s.gpr[12] = 0x2222;
  s.fpu.xmm[3][5] = 0x77;
  s.fs_base = 0x4000;
  const VirtAddr rip = m.sym("ring0_loop");
  const std::uint64_t rsp = m.sym("kernel_stack_top") - 64;
  m.cpu.enter_ring0(s, 0x08, 0x10, rsp, rip, 0x2, /*with_fault_address=*/false);
  const ArchState now = m.cpu.state();
  EXPECT_EQ(now.gpr[0], 0x1111u);
  EXPECT_EQ(now.gpr[12], 0x2222u);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != 7) {  // RSP: the entry's own
      EXPECT_EQ(now.gpr[i], s.gpr[i]) << kGprNames[i];
    }
  }
  EXPECT_EQ(now.fpu.xmm, s.fpu.xmm);
  EXPECT_EQ(now.fpu.st, s.fpu.st);
  EXPECT_EQ(now.fs_base, 0x4000u);
  EXPECT_EQ(now.gs_base, s.gs_base);
  EXPECT_EQ(now.rip, rip);
  EXPECT_EQ(now.gpr[7], rsp);
  EXPECT_EQ(m.cpu.cpl(), 0u);
}

// A fast string's burst (Simulator::fast_string_burst) moves RCX and RDI on
// from the block hook of one of its iterations, and the engine must run that
// iteration where they now say: here 62 of 64 stores are skipped that way.
TEST(GuestCpu, AFastStringRunsFromTheRegistersItsBlockHookWrote) {
  TestMachine m;
  const VirtAddr code = m.handler(0xF2);  // three spare 16-byte slots
  const VirtAddr buffer = m.sym("kernel_stack_top") - 8192;
  std::uint8_t bytes[] = {0xB9, 0x40, 0x00, 0x00, 0x00,                          // mov ecx, 64
                          0x48, 0xBF, 0, 0, 0, 0, 0, 0, 0, 0,                    // movabs rdi, buffer
                          0xB8, 0x55, 0x00, 0x00, 0x00,                          // mov eax, 0x55
                          0xF3, 0x48, 0xAB,                                      // rep stosq
                          0xF4};                                                 // hlt
  std::memcpy(&bytes[7], &buffer, 8);
  for (std::size_t i = 0; i < sizeof bytes; ++i) m.memory.write<std::uint8_t>(code + i, bytes[i]);
  for (unsigned i = 0; i < 64; ++i) m.memory.write<std::uint64_t>(buffer + 8 * i, 0xAAAA'AAAA'AAAA'AAAA);
  struct Hook {
    GuestCpu* cpu;
    VirtAddr rep, buffer;
    std::uint64_t rcx_seen = 0, rdi_seen = 0;
    bool moved = false;
  } hook{&m.cpu, code + 20, buffer};
  uc_hook handle;
  auto on_block = [](uc_engine*, std::uint64_t address, std::uint32_t size, void* user) {
    auto& h = *static_cast<Hook*>(user);
    if (address != h.rep || size != 3 || h.moved) return;  // the rep alone: its second iteration
    h.moved = true;
    const int ids[] = {UC_X86_REG_RCX, UC_X86_REG_RDI};
    void* const seen[] = {&h.rcx_seen, &h.rdi_seen};
    h.cpu->read_registers(ids, seen, 2);
    const std::uint64_t moved[] = {1, h.buffer + 63 * 8};  // to the last iteration
    h.cpu->set_general_registers_in_run(ids, moved, 2);
  };
  ASSERT_EQ(uc_hook_add(m.cpu.uc(), &handle, UC_HOOK_BLOCK, reinterpret_cast<void*>(+on_block), &hook, 1, 0),
            UC_ERR_OK);
  ASSERT_EQ(m.cpu.run(code), UC_ERR_OK);
  uc_hook_del(m.cpu.uc(), handle);
  ASSERT_TRUE(hook.moved);
  EXPECT_EQ(hook.rcx_seen, 63u) << "the hook saw the second iteration's registers";
  EXPECT_EQ(hook.rdi_seen, buffer + 8);
  EXPECT_EQ(m.memory.read<std::uint64_t>(buffer), 0x55u) << "the first iteration";
  for (unsigned i = 1; i < 63; ++i) {
    ASSERT_EQ(m.memory.read<std::uint64_t>(buffer + 8 * i), 0xAAAA'AAAA'AAAA'AAAAu) << "skipped store " << i;
  }
  EXPECT_EQ(m.memory.read<std::uint64_t>(buffer + 8 * 63), 0x55u) << "the iteration the hook moved the rep to";
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RCX), 0u);
  EXPECT_EQ(m.cpu.reg(UC_X86_REG_RDI), buffer + 64 * 8);
  EXPECT_EQ(m.cpu.pc(), code + sizeof bytes) << "after the hlt";
}

// What a burst may store into: RAM the CPU reaches now, in one page, never a
// page taken away (the fault injector's) nor an address with no RAM.
TEST(GuestCpu, ReachableBytesAreRamTheCpuReachesWithinOnePage) {
  TestMachine m;
  const VirtAddr page = (m.sym("kernel_stack_top") - 8192) & ~VirtAddr{0xFFF};
  EXPECT_EQ(m.cpu.reachable_bytes(page + 8, 4088, true), m.memory.host(page + 8, 4088));
  EXPECT_NE(m.cpu.reachable_bytes(page + 8, 4088, true), nullptr);
  EXPECT_EQ(m.cpu.reachable_bytes(page + 8, 4089, true), nullptr) << "into the next page";
  EXPECT_EQ(m.cpu.reachable_bytes(page, 0, false), nullptr);
  m.cpu.take_page_away(page);
  EXPECT_EQ(m.cpu.reachable_bytes(page + 8, 8, false), nullptr) << "a page taken away";
  m.cpu.give_page_back(page);
  EXPECT_NE(m.cpu.reachable_bytes(page + 8, 8, false), nullptr);
  EXPECT_EQ(m.cpu.reachable_bytes(0x7000'0000'0000, 8, false), nullptr) << "no RAM there";
}

}  // namespace
}  // namespace pristine::sim
