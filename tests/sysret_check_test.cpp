// The sysretq check (sim/x86_64/syscall_emulation.h): Unicorn executes
// sysretq the AMD way; an Intel CPU raises #GP in ring 0 for a non-canonical
// RCX, so the hook on every sysretq of the image must catch exactly that.
#include <gtest/gtest.h>

#include "sim/guest_image.h"
#include "sim/guest_memory.h"
#include "sim/instruction_hooks.h"
#include "sim/x86_64/syscall_emulation.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";

struct SysretCheck : ::testing::Test {
  GuestImage image = GuestImage::load(kImage);
  GuestMemory memory{image};
  SyscallEmulation syscalls{memory, find_instructions(image, SyscallEmulation::matches)};
  GuestCpu cpu{0};
  bool caught = false;

  void SetUp() override {
    cpu.attach(memory);
    // The image's own entry turns paging on (hw-sim/board_entry.S); stop
    // where it jumps to the higher half, where the kernel's code lives.
    ASSERT_EQ(cpu.run(image.entry(), image.symbol("sim_boot_high")), UC_ERR_OK);
    syscalls.install(cpu, [this] {
      caught = true;
      uc_emu_stop(cpu.uc());
    });
  }
  // Runs the image's first sysretq, alone, in ring 0 with `rcx`.
  void run_sysret(std::uint64_t rcx) {
    const auto sites = find_instructions(image, [](const cs_insn& insn) { return insn.id == X86_INS_SYSRET; });
    ASSERT_FALSE(sites.empty());
    cpu.set_reg(UC_X86_REG_RCX, rcx);
    (void)cpu.run(sites.front(), 0, 1);  // whatever sysretq then does natively
  }
};

TEST_F(SysretCheck, TheImageHasSysretSitesAndEachIsHooked) {
  EXPECT_GT(syscalls.sysret_sites(), 0u);
}

TEST_F(SysretCheck, ANonCanonicalReturnAddressIsCaughtInRingZero) {
  run_sysret(0x0000800000000000);  // the first address past the lower half
  EXPECT_TRUE(caught);
  EXPECT_EQ(cpu.cpl(), 0u) << "the hook stops before sysretq leaves ring 0";
}

TEST_F(SysretCheck, ACanonicalReturnAddressIsLeftToTheCpu) {
  run_sysret(0x00007FFFFFFFF000);
  EXPECT_FALSE(caught);
}

}  // namespace
}  // namespace pristine::sim
