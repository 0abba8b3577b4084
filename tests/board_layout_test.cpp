// Where the simulated board's register pages sit against the kernel image
// (hw-sim/board_registers.h, kBase): the engine's TLB is indexed by the low
// bits of the page number and its victim TLB never finds an MMIO entry again,
// so a register page that shares its index with a page of the kernel's hot
// code or data is refilled on every access whenever that page ran between two
// of them. Found when the hot code's first page moved under the board page's
// index: four TLB fills per device interrupt, the idle device storm 30 %
// slower on the host. These pages (and nic0's busiest) must keep indices of
// their own.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/drivers/e1000_registers.h"
#include "hw-sim/board_registers.h"
#include "sim/guest_image.h"

namespace {

using pristine::sim::GuestImage;

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";

// The TLB sizes the engine uses under a busy guest (QEMU's dynamic TLB
// starts at 256 entries and grows by doubling when it is full).
constexpr std::uint64_t kTlbEntries[] = {256, 512};

void expect_no_shared_index(const char* what, std::uint64_t first, std::uint64_t end) {
  const struct {
    const char* name;
    std::uint64_t base;
  } registers[] = {{"the board's register page", pristine::sim_board::kBase},
                   {"uart0's register page", pristine::sim_board::kUartBase},
                   {"the board clock's page", pristine::sim_board::kClockPageBase},
                   {"nic0's ICR page (its top half)", pristine::sim_board::kNicBase + pristine::e1000::kIcr},
                   {"nic0's RDT page (its bottom half)", pristine::sim_board::kNicBase + pristine::e1000::kRdt}};
  for (const std::uint64_t entries : kTlbEntries) {
    for (const auto& r : registers) {
      const std::uint64_t index = (r.base >> 12) & (entries - 1);
      for (std::uint64_t page = first >> 12; page <= (end - 1) >> 12; ++page) {
        EXPECT_NE(page & (entries - 1), index)
            << r.name << " shares TLB index " << index << " (of " << entries << ") with " << what << "'s page 0x"
            << std::hex << (page << 12);
      }
    }
  }
}

TEST(BoardLayout, TheRegisterPagesShareNoTlbIndexWithHotCodeOrData) {
  const GuestImage image = GuestImage::load(kImage);
  const std::uint64_t hot_start = image.symbol("__pristine_hot_start");
  const std::uint64_t hot_end = image.symbol("__pristine_hot_end");
  ASSERT_LT(hot_start, hot_end);
  expect_no_shared_index("the hot code", hot_start, hot_end);
  const std::uint64_t data_start = image.symbol("__data_start");
  const std::uint64_t bss_start = image.symbol("__bss_start");
  ASSERT_LT(data_start, bss_start);
  expect_no_shared_index("the kernel's data", data_start, bss_start);
}

}  // namespace

// kernel-image/sections.ld puts the interrupt path's own code first in the
// hot section: the common entry and return, the dispatchers, the board's
// leaf functions. On one page, the engine chains the direct calls between
// them (it looks up any branch that leaves a page), and a CPU's instruction
// TLB holds one entry for them. Without the ordering they were on five pages
// and the idle device storm took 10 % more host instructions.
TEST(BoardLayout, TheInterruptPathIsOnOnePage) {
  const GuestImage image = GuestImage::load(kImage);
  const std::uint64_t page = image.symbol("interrupt_common") >> 12;
  for (const char* name : {"interrupt_return_kernel_ret", "x86_interrupt_dispatch",
                           "_ZN8pristine13dispatch_tickEPNS_9TrapFrameE",
                           "_ZN8pristine24dispatch_other_interruptENS_6VectorEPNS_9TrapFrameE",
                           "_ZN8pristine7machine3nowEv", "_ZN8pristine7machine16end_of_interruptEv",
                           "_ZN8pristine7machine6cpu_idEv"}) {
    EXPECT_EQ(image.symbol(name) >> 12, page) << name << " is not on interrupt_common's page";
  }
}
