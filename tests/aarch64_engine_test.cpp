// The AArch64 engine (sim/aarch64/): the MMU's walk against the Arm ARM's
// rules, with tables built by the kernel's own builder
// (hw-aarch64/cpu/page_tables.h); exception entry as the CPU performs it,
// checked by a guest (tests/guest/aarch64_test_guest.S) whose vectors record
// what they were given; the address a faulting access reports in FAR_EL1.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "aarch64_test_guest_symbols.h"
#include "hw-aarch64/cpu/page_tables.h"
#include "sim/aarch64/exception_entry.h"
#include "sim/aarch64/fault_address.h"
#include "sim/aarch64/guest_cpu.h"
#include "sim/aarch64/page_walk.h"

namespace pristine::sim::aarch64 {
namespace {

namespace g = aarch64_test_guest;
namespace d = pristine::aarch64::descriptor;
using pristine::aarch64::Access;
using pristine::aarch64::PageTables;
using pristine::aarch64::Table;

constexpr PhysAddr kRam = 0x4000'0000;
constexpr std::uint64_t kRamSize = 0x40'0000;
constexpr PhysAddr kUserData = kRam + 0x3000;
constexpr PhysAddr kKernelStackTop = kRam + 0x5000;
constexpr PhysAddr kUnmapped = kRam + 0x6000;
constexpr PhysAddr kTablePool = kRam + 0x10'0000;
constexpr std::size_t kPoolTables = 16;
// TCR_EL1 as the kernel programs it (hw-aarch64/cpu/mmu_setup.cpp): 39-bit
// spaces for both halves, 4 KiB granules.
constexpr std::uint64_t kTcr39 = 25ull | (25ull << 16) | (2ull << 30);

// Guest RAM at 0x40000000 with the test guest's bytes at its start.
struct Machine {
  GuestMemory memory{std::vector<GuestMemory::RegionSpec>{{kRam, kRamSize, kRam}}};
  PageTables tables{reinterpret_cast<Table*>(memory.physical(kTablePool, kPoolTables * 4096)), kPoolTables, kTablePool,
                    reinterpret_cast<std::uint64_t>(memory.physical(kTablePool, 4096)) - kTablePool};

  Machine() {
    std::ifstream in(PRISTINE_BUILD_DIR "/tests/aarch64_test_guest.bin", std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_GT(bytes.size(), 0x1000u) << "the guest's image";
    memory.write_bytes(kRam, bytes);
  }
};

PageAccess el1_read() { return {}; }
PageAccess el0_read() { return {.user = true}; }
PageAccess el0_write() { return {.write = true, .user = true}; }
PageAccess el0_fetch() { return {.fetch = true, .user = true}; }

// --- The walk -------------------------------------------------------------

struct Walk : ::testing::Test {
  Machine m;
  std::uint64_t root = m.tables.new_root();
  TranslationControl control{.mmu_on = true, .ttbr0 = root, .ttbr1 = 0, .tcr = kTcr39};
  PageTranslation at(VirtAddr page, PageAccess access) { return walk_page_tables(m.memory, control, page, access); }
};

TEST_F(Walk, AUserDataPageIsReadAndWrittenByEl0AndNeverRunByEither) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.writable = true, .user = true}));
  const PageTranslation t = at(0x40'0000, el0_write());
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.page, kUserData);
  EXPECT_TRUE(t.readable && t.writable);
  EXPECT_FALSE(t.executable);
  EXPECT_EQ(at(0x40'0000, el0_fetch()).fault_status, fault_status(FaultKind::Permission, 3));
  // EL1 may read and write it (no PAN), but never run it: EL0 may write it.
  EXPECT_TRUE(at(0x40'0000, {.write = true}).ok);
  EXPECT_EQ(at(0x40'0000, {.fetch = true}).fault_status, fault_status(FaultKind::Permission, 3));
}

TEST_F(Walk, AMissingPageIsATranslationFaultAtTheLevelTheWalkStopped) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.user = true}));
  EXPECT_EQ(at(0x40'1000, el0_read()).fault_status, fault_status(FaultKind::Translation, 3)) << "same level-3 table";
  EXPECT_EQ(at(0x80'0000, el0_read()).fault_status, fault_status(FaultKind::Translation, 2)) << "no level-3 table";
  EXPECT_EQ(at(0x40'0000'0000, el0_read()).fault_status, fault_status(FaultKind::Translation, 1)) << "no level-2 table";
  EXPECT_FALSE(at(0x80'0000, el0_read()).ok);
}

TEST_F(Walk, AnAddressOutsideBothHalvesHasNoTableToWalk) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.user = true}));
  // 39-bit spaces: bit 39 set with the rest of the top clear is in neither.
  EXPECT_EQ(at(0x80'0040'0000, el0_read()).fault_status, fault_status(FaultKind::Translation, 0));
  EXPECT_EQ(at(0xffff'0000'0040'0000, el1_read()).fault_status, fault_status(FaultKind::Translation, 0));
}

TEST_F(Walk, TheUpperHalfWalksTtbr1AndEpdTurnsAHalfOff) {
  const std::uint64_t kernel_root = m.tables.new_root();
  control.ttbr1 = kernel_root | (std::uint64_t{5} << 48);  // an ASID in the top bits is not an address
  const VirtAddr kernel = 0xffff'ff80'4000'0000;
  ASSERT_TRUE(m.tables.map_block(kernel_root, kernel, kRam, {.writable = true, .kernel_executable = true}));
  const PageTranslation t = at(kernel + 0x12'3000, el1_read());
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.page, kRam + 0x12'3000) << "a 2 MiB block: the page inside it";
  EXPECT_TRUE(t.executable);
  EXPECT_EQ(at(kernel, el0_read()).fault_status, fault_status(FaultKind::Permission, 2)) << "EL1 only";
  control.tcr |= 1ull << 23;  // EPD1
  EXPECT_EQ(at(kernel, el1_read()).fault_status, fault_status(FaultKind::Translation, 0));
}

TEST_F(Walk, ReadOnlyCodeRunsAtEl0AndRefusesWritesAtEveryEl) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kRam + 0x1000, {.user = true, .user_executable = true}));
  EXPECT_TRUE(at(0x40'0000, el0_fetch()).ok);
  EXPECT_EQ(at(0x40'0000, el0_write()).fault_status, fault_status(FaultKind::Permission, 3));
  EXPECT_EQ(at(0x40'0000, {.write = true}).fault_status, fault_status(FaultKind::Permission, 3));
  EXPECT_EQ(at(0x40'0000, {.fetch = true}).fault_status, fault_status(FaultKind::Permission, 3)) << "PXN";
}

TEST_F(Walk, PanTakesEl1DataAccessesToEl0PagesAwayButNotFetchesOrKernelPages) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.writable = true, .user = true}));
  ASSERT_TRUE(m.tables.map_page(root, 0x40'1000, kUserData, {.writable = true}));
  control.pan = true;
  EXPECT_EQ(at(0x40'0000, el1_read()).fault_status, fault_status(FaultKind::Permission, 3));
  EXPECT_TRUE(at(0x40'0000, el0_read()).ok) << "EL0 itself is not affected";
  EXPECT_TRUE(at(0x40'1000, el1_read()).ok) << "a kernel page";
}

TEST_F(Walk, AClearAccessFlagFaultsBeforePermissions) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.user = true}));
  // Clear AF on the level-3 entry by hand (the builder always sets it).
  std::uint64_t* l1 = reinterpret_cast<std::uint64_t*>(m.memory.physical(root, 4096));
  std::uint64_t* l2 = reinterpret_cast<std::uint64_t*>(m.memory.physical(l1[0] & d::kAddressMask, 4096));
  std::uint64_t* l3 = reinterpret_cast<std::uint64_t*>(m.memory.physical(l2[2] & d::kAddressMask, 4096));
  l3[0] &= ~d::kAccessFlag;
  EXPECT_EQ(at(0x40'0000, el0_write()).fault_status, fault_status(FaultKind::AccessFlag, 3));
}

TEST_F(Walk, TableBitsTakePermissionsAwayFromEverythingBelow) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.writable = true, .user = true, .user_executable = true}));
  std::uint64_t* l1 = reinterpret_cast<std::uint64_t*>(m.memory.physical(root, 4096));
  l1[0] |= 1ull << 61;  // APTable[0]: no EL0 access below
  EXPECT_EQ(at(0x40'0000, el0_read()).fault_status, fault_status(FaultKind::Permission, 3));
  l1[0] &= ~(1ull << 61);
  l1[0] |= 1ull << 62 | 1ull << 60;  // APTable[1]: read-only below; UXNTable
  EXPECT_EQ(at(0x40'0000, el0_write()).fault_status, fault_status(FaultKind::Permission, 3));
  EXPECT_EQ(at(0x40'0000, el0_fetch()).fault_status, fault_status(FaultKind::Permission, 3));
  EXPECT_TRUE(at(0x40'0000, el0_read()).ok);
}

TEST_F(Walk, WxnMakesWritablePagesNeverExecutable) {
  ASSERT_TRUE(m.tables.map_page(root, 0x40'0000, kUserData, {.writable = true, .kernel_executable = true}));
  EXPECT_TRUE(at(0x40'0000, {.fetch = true}).ok);
  control.write_execute_never = true;
  EXPECT_EQ(at(0x40'0000, {.fetch = true}).fault_status, fault_status(FaultKind::Permission, 3));
}

TEST_F(Walk, WithTheMmuOffEveryAddressIsItself) {
  control.mmu_on = false;
  const PageTranslation t = at(0x1234'5000, el0_write());
  EXPECT_TRUE(t.ok && t.readable && t.writable && t.executable);
  EXPECT_EQ(t.page, 0x1234'5000u);
}

// --- Exception entry on the engine ---------------------------------------

constexpr std::uint64_t kUserStack = kRam + 0x3ff0;
constexpr std::uint32_t kBrkIntNo = 7, kSvcIntNo = 2, kUndefinedIntNo = 1;  // QEMU's EXCP_BKPT, EXCP_SWI, EXCP_UDEF

struct Engine : ::testing::Test {
  Machine m;
  GuestCpu cpu{0};
  std::optional<std::uint32_t> stop;  // the intno that stopped the run
  uc_hook hook{};

  Engine() {
    cpu.attach(m.memory);
    check(uc_hook_add(cpu.uc(), &hook, UC_HOOK_INTR, reinterpret_cast<void*>(+[](uc_engine* uc, std::uint32_t intno, void* self) {
                        static_cast<Engine*>(self)->stop = intno;
                        uc_emu_stop(uc);
                      }), this, 1, 0),
          "hook intr");
  }
  // Run from the current PC until an exception stops it.
  uc_err run(std::size_t count = 10'000) {
    stop.reset();
    return cpu.run(cpu.pc(), 0, count);
  }
  // Enter EL0 at `entry` from EL1 (the guest's own eret) and run to the first stop.
  void enter_user(VirtAddr entry, uc_err expected = UC_ERR_OK) {
    cpu.set_reg(UC_ARM64_REG_X1, entry);
    cpu.set_reg(UC_ARM64_REG_X2, kUserStack);
    cpu.set_reg(UC_ARM64_REG_X3, kKernelStackTop);
    cpu.set_pc(g::el1_enter_user);
    ASSERT_EQ(run(), expected);
  }
  // Deliver, then run to the vectors' `brk` and check the entry's offset.
  void deliver_and_record(const Exception& e, std::uint64_t offset) {
    take_exception(cpu, e);
    const uc_err err = run();
    const std::optional<Refusal> refused = cpu.take_refusal();
    ASSERT_EQ(err, UC_ERR_OK) << "refused: " << std::hex << (refused ? refused->page : 0) << " pc " << cpu.pc();
    ASSERT_EQ(stop, kBrkIntNo);
    EXPECT_EQ(cpu.reg(UC_ARM64_REG_X16), offset) << "the vector entry";
    EXPECT_EQ(cpu.pc(), g::recorded) << "stopped at the vectors' brk (a brk reports itself)";
    EXPECT_EQ(cpu.exception_level(), 1u);
    EXPECT_EQ(cpu.pstate() & pstate::kDaif, pstate::kDaif) << "entry masks D, A, I and F";
  }
  // An EL0 access the MMU refused: the abort the CPU takes for it.
  Exception abort_for_refusal() {
    const std::optional<Refusal> r = cpu.take_refusal();
    EXPECT_TRUE(r.has_value());
    const VirtAddr pc = cpu.pc();
    const PageTranslation code = cpu.translate(pc & ~0xfffull, el0_fetch());
    const std::uint8_t* bytes = m.memory.physical(code.page + (pc & 0xfff), 4);
    const std::optional<VirtAddr> far = FaultAddress().locate({bytes, 4}, pc, r->page, cpu);
    return {.syndrome = r->access.fetch ? syndrome::instruction_abort(true, r->fault_status)
                                        : syndrome::data_abort(true, r->access.write, r->fault_status),
            .fault_address = r->access.fetch ? pc : far.value_or(r->page),
            .return_address = pc};
  }
  // The kernel's tables for the MMU tests: EL1's page and vectors, the
  // EL0 code page, an EL0 data page, the kernel stack; nothing at kUnmapped.
  void turn_the_mmu_on() {
    const std::uint64_t root = m.tables.new_root();
    ASSERT_TRUE(m.tables.map_page(root, kRam, kRam, {.kernel_executable = true}));
    ASSERT_TRUE(m.tables.map_page(root, kRam + 0x1000, kRam + 0x1000, {.user = true, .user_executable = true}));
    ASSERT_TRUE(m.tables.map_page(root, kUserData, kUserData, {.writable = true, .user = true}));
    ASSERT_TRUE(m.tables.map_page(root, kKernelStackTop - 0x1000, kKernelStackTop - 0x1000, {.writable = true}));
    cpu.set_system_register(kTcrEl1, kTcr39);
    cpu.set_system_register(kMairEl1, pristine::aarch64::kMairValue);
    cpu.set_system_register(kTtbr0El1, root);
    cpu.set_system_register(kSctlrEl1, cpu.system_register(kSctlrEl1) | sctlr::kMmu);
  }
};

TEST_F(Engine, Starts_AtEl1WithEverythingMasked) {
  EXPECT_EQ(cpu.exception_level(), 1u);
  EXPECT_FALSE(cpu.interrupts_enabled());
  EXPECT_FALSE(cpu.user_mode());
}

TEST_F(Engine, AnEl0SvcEntersTheLowerElSyncVectorWithItsSyndromeAndReturns) {
  enter_user(g::user_svc);
  ASSERT_EQ(stop, kSvcIntNo);
  EXPECT_TRUE(cpu.user_mode());
  const VirtAddr after_svc = cpu.pc();
  EXPECT_EQ(after_svc, g::user_svc_instruction + 4) << "Unicorn stops past the svc: its preferred return";
  deliver_and_record({.syndrome = syndrome::svc(0x123), .return_address = after_svc}, 0x400);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10), (0x15ull << 26) | (1ull << 25) | 0x123) << "ESR_EL1: SVC64, IL, imm16";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X11), after_svc) << "ELR_EL1";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X12) & 0x3ff, pstate::kEl0t) << "SPSR_EL1: EL0t, DAIF clear";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X14), kKernelStackTop) << "SP_EL1 in use";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X15), kUserStack) << "the EL0 stack pointer banked in SP_EL0";
  // The handler's eret (the engine's own) goes back to EL0 after the svc.
  cpu.set_reg(UC_ARM64_REG_X0, 42);
  cpu.set_pc(g::return_from_exception);
  ASSERT_EQ(run(), UC_ERR_OK);
  ASSERT_EQ(stop, kBrkIntNo);
  EXPECT_TRUE(cpu.user_mode());
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X2), 43u) << "the instruction after the svc ran, with the result";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X3), kUserStack) << "EL0's stack pointer is back";
}

TEST_F(Engine, AnIrqAtEl1OnSpElxEntersTheCurrentElIrqVectorAndLeavesEsr) {
  cpu.set_system_register(kEsrEl1, 0x1234);
  cpu.set_reg(UC_ARM64_REG_SP, kKernelStackTop);
  cpu.set_pstate(pstate::kDaif | pstate::kEl1h);
  cpu.set_pc(g::el1_wait_with_irqs_open);
  ASSERT_EQ(run(50), UC_ERR_OK);
  ASSERT_TRUE(cpu.interrupts_enabled()) << "the guest unmasked IRQs";
  const VirtAddr at = cpu.pc();
  deliver_and_record({.type = ExceptionType::Irq, .return_address = at}, 0x280);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X11), at) << "ELR_EL1: the instruction not yet run";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X12) & (pstate::kIrqMask | pstate::kModeMask), pstate::kEl1h)
      << "SPSR_EL1: EL1h with I clear (the guest opened IRQs only)";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10), 0x1234u) << "an IRQ writes no syndrome";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X14), kKernelStackTop) << "the same stack";
}

TEST_F(Engine, AnEl1ExceptionOnSpEl0UsesTheSp0VectorsAndSwitchesToSpEl1) {
  cpu.set_reg(UC_ARM64_REG_SP_EL1, kKernelStackTop);
  cpu.set_pstate(pstate::kDaif | pstate::kEl1t);
  cpu.set_reg(UC_ARM64_REG_SP, kUserStack);
  cpu.set_pc(g::el1_wait_with_irqs_open);
  ASSERT_EQ(run(50), UC_ERR_OK);
  deliver_and_record({.type = ExceptionType::Irq, .return_address = cpu.pc()}, 0x080);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X14), kKernelStackTop);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X15), kUserStack);
}

TEST_F(Engine, AnUndefinedInstructionAtEl0ReportsItselfWithTheUnknownClass) {
  enter_user(g::user_undefined);
  ASSERT_EQ(stop, kUndefinedIntNo);
  EXPECT_EQ(cpu.pc(), g::user_undefined) << "PC at the instruction, not past it";
  deliver_and_record({.syndrome = syndrome::undefined(), .return_address = cpu.pc()}, 0x400);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10), 1ull << 25);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X11), g::user_undefined);
}

TEST_F(Engine, AnEl0LoadFromAnUnmappedPageIsADataAbortWithTheExactAddress) {
  turn_the_mmu_on();
  cpu.set_reg(UC_ARM64_REG_X6, kUnmapped + 0x100);
  enter_user(g::user_load, UC_ERR_EXCEPTION);
  ASSERT_FALSE(stop.has_value());
  EXPECT_EQ(cpu.pc(), g::user_load_instruction) << "stopped at the load";
  deliver_and_record(abort_for_refusal(), 0x400);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10), (0x24ull << 26) | (1ull << 25) | 0x07) << "DABT from EL0, translation level 3";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X13), kUnmapped + 0x118) << "FAR_EL1: base + offset";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X11), g::user_load_instruction);
}

TEST_F(Engine, AnEl0StoreToItsCodeIsAPermissionFaultWithWnR) {
  turn_the_mmu_on();
  cpu.set_reg(UC_ARM64_REG_X7, g::user_svc + 8);
  enter_user(g::user_store, UC_ERR_EXCEPTION);
  ASSERT_FALSE(stop.has_value());
  deliver_and_record(abort_for_refusal(), 0x400);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10), (0x24ull << 26) | (1ull << 25) | (1ull << 6) | 0x0f) << "permission level 3, write";
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X13), g::user_svc + 8);
}

TEST_F(Engine, AnEl0ReadOfAKernelPageIsAPermissionFault) {
  turn_the_mmu_on();
  cpu.set_reg(UC_ARM64_REG_X6, kRam);
  enter_user(g::user_load, UC_ERR_EXCEPTION);
  deliver_and_record(abort_for_refusal(), 0x400);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X10) & 0x3f, 0x0fu);
  EXPECT_EQ(cpu.reg(UC_ARM64_REG_X13), kRam + 0x18);
}

TEST(EngineWithPan, EntryToEl1SetsPanUnlessSctlrSpanSaysKeepIt) {
  Machine m;
  GuestCpu cpu{0, CpuModel::Max};
  cpu.attach(m.memory);
  ASSERT_TRUE(cpu.has_pan());
  cpu.set_system_register(kVbarEl1, g::vectors);
  cpu.set_system_register(kSctlrEl1, cpu.system_register(kSctlrEl1) & ~sctlr::kSetPanOnEntryOff);
  cpu.set_pstate(pstate::kEl0t);
  take_exception(cpu, {.syndrome = syndrome::svc(0), .return_address = g::user_svc});
  EXPECT_TRUE(cpu.pstate() & pstate::kPan) << "SPAN 0: PAN set on entry";
  EXPECT_EQ(cpu.pc(), g::vectors + 0x400);
  cpu.set_system_register(kSctlrEl1, cpu.system_register(kSctlrEl1) | sctlr::kSetPanOnEntryOff);
  cpu.set_pstate(pstate::kEl0t);
  take_exception(cpu, {.syndrome = syndrome::svc(0), .return_address = g::user_svc});
  EXPECT_FALSE(cpu.pstate() & pstate::kPan) << "SPAN 1: PAN as it was";
  GuestCpu a57{1};
  EXPECT_FALSE(a57.has_pan()) << "the boards' Cortex-A57 is ARMv8.0";
}

// --- The fault address ----------------------------------------------------

struct Locate : ::testing::Test {
  GuestCpu cpu{0};
  FaultAddress locator;
  std::optional<VirtAddr> of(std::uint32_t instruction, VirtAddr refused_page) {
    const std::uint8_t bytes[4] = {std::uint8_t(instruction), std::uint8_t(instruction >> 8),
                                   std::uint8_t(instruction >> 16), std::uint8_t(instruction >> 24)};
    return locator.locate(bytes, 0x1000, refused_page, cpu);
  }
};

TEST_F(Locate, EveryAddressingModeGivesTheAccessedAddress) {
  cpu.set_reg(UC_ARM64_REG_X1, 0x50'0000);
  cpu.set_reg(UC_ARM64_REG_X2, 3);
  EXPECT_EQ(of(0xf9400c20, 0x50'0000), 0x50'0018u) << "ldr x0, [x1, #0x18]";
  EXPECT_EQ(of(0xf8627820, 0x50'0000), 0x50'0018u) << "ldr x0, [x1, x2, lsl #3]";
  EXPECT_EQ(of(0xf8418c20, 0x50'0000), 0x50'0018u) << "ldr x0, [x1, #0x18]!: before its write-back";
  EXPECT_EQ(of(0xf8418420, 0x50'0000), 0x50'0000u) << "ldr x0, [x1], #0x18: the base";
  EXPECT_EQ(of(0xb8225820, 0x50'0000), 0x50'000cu) << "str w0, [x1, w2, uxtw #2]";
  cpu.set_reg(UC_ARM64_REG_X2, 0xffff'fffe);  // -2 as a 32-bit index
  EXPECT_EQ(of(0xf822d820, 0x4f'f000), 0x4f'fff0u) << "str x0, [x1, w2, sxtw #3]";
}

TEST_F(Locate, APairRunningIntoTheRefusedPageFaultsAtItsFirstByte) {
  cpu.set_reg(UC_ARM64_REG_X1, 0x50'0ff8);
  EXPECT_EQ(of(0xa9000420, 0x50'1000), 0x50'1000u) << "stp x0, x1, [x1]: the second register's half";
  EXPECT_EQ(of(0xd503201f, 0x50'1000), std::nullopt) << "nop: no access to name";
  EXPECT_EQ(of(0xf9400020, 0x90'0000), std::nullopt) << "ldr x0, [x1] nowhere near the page";
}

}  // namespace
}  // namespace pristine::sim::aarch64
