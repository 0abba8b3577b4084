#include "hw-aarch64/cpu/mmu_setup.h"

#include "hw-aarch64/cpu/kernel_layout.h"
#include "hw-aarch64/cpu/system_registers.h"

extern "C" char __kernel_start[], __kernel_end[];

namespace pristine::aarch64 {
namespace {

constexpr std::size_t kKernelTables = 16;  // identity and linear-map roots, their level-2 and -3 tables
alignas(4096) Table g_kernel_tables[kKernelTables];
// What the boot built (written with the MMU off, read through the linear map).
std::uint64_t g_kernel_root = 0;
std::uint64_t g_identity_root = 0;
std::size_t g_kernel_tables_used = 0;

// TCR_EL1: 39-bit spaces for TTBR0 and TTBR1 (T0SZ = T1SZ = 25), 4 KiB
// granules (TG0 = 0b00, TG1 = 0b10), tables walked write-back cacheable and
// inner shareable, 40-bit physical addresses (IPS = 0b010).
constexpr std::uint64_t kTcr = (25ull << 0) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (0ull << 14) |
                               (25ull << 16) | (1ull << 24) | (1ull << 26) | (3ull << 28) | (2ull << 30) |
                               (2ull << 32);
constexpr std::uint64_t kSctlrMmu = 1ull << 0;
constexpr std::uint64_t kSctlrDataCache = 1ull << 2;
constexpr std::uint64_t kSctlrInstructionCache = 1ull << 12;
// EL0's stack pointer must be 16-byte aligned for a load or store through
// it (SA0, the Arm ARM's SP alignment check; QEMU's TCG does not implement
// it), and EL0 may not mask interrupts (UMA clear: `msr daifset` at EL0 is
// trapped, the fault-privileged program's). QEMU's reset value has both so;
// the kernel relies on them and says so here (Arm ARM D17.2.118, SCTLR_EL1).
constexpr std::uint64_t kSctlrEl0SpAlignment = 1ull << 4;
constexpr std::uint64_t kSctlrEl0MasksInterrupts = 1ull << 9;

}  // namespace

std::uint64_t physical_of(const void* kernel_object) { return reinterpret_cast<std::uint64_t>(kernel_object) - kKernelOffset; }

PageTables& kernel_page_tables() {
  static PageTables tables(g_kernel_tables, kKernelTables, physical_of(g_kernel_tables), kKernelOffset,
                           g_kernel_tables_used);
  return tables;
}

std::uint64_t kernel_root() { return g_kernel_root; }

// The memory attributes, the two spaces' shape, the roots, then the MMU and
// the caches on. The identity map keeps the running code where it is until
// the caller jumps to its linked address.
void turn_the_mmu_on(std::uint64_t identity, std::uint64_t kernel) {
  PRISTINE_WRITE_SYSREG(mair_el1, kMairValue);
  PRISTINE_WRITE_SYSREG(tcr_el1, kTcr);
  PRISTINE_WRITE_SYSREG(ttbr0_el1, identity);
  PRISTINE_WRITE_SYSREG(ttbr1_el1, kernel);
  asm volatile("isb\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
  PRISTINE_WRITE_SYSREG(sctlr_el1, (PRISTINE_READ_SYSREG(sctlr_el1) | kSctlrMmu | kSctlrDataCache |
                                    kSctlrInstructionCache | kSctlrEl0SpAlignment) &
                                       ~kSctlrEl0MasksInterrupts);
  isb();
}

}  // namespace pristine::aarch64

// Runs at the physical address with the MMU off (boot.S): every address
// below is PC-relative, so it is the physical one; nothing here may load a
// linked address from memory.
extern "C" void aarch64_enable_mmu() {
  using namespace pristine::aarch64;
  const std::uint64_t tables_physical = reinterpret_cast<std::uint64_t>(g_kernel_tables);
  PageTables tables(g_kernel_tables, kKernelTables, tables_physical, 0);
  const std::uint64_t identity = tables.new_root();
  const std::uint64_t kernel = tables.new_root();

  // The image's physical extent, and its 2 MiB blocks.
  const std::uint64_t image_start = reinterpret_cast<std::uint64_t>(__kernel_start);
  const std::uint64_t image_end = reinterpret_cast<std::uint64_t>(__kernel_end);
  const std::uint64_t block_start = image_start & ~(kBlockSize - 1);
  const std::uint64_t block_end = (image_end + kBlockSize - 1) & ~(kBlockSize - 1);
  const Access kernel_code{.writable = true, .kernel_executable = true};
  const Access kernel_data{.writable = true};
  const Access device{.writable = true, .device = true};

  // Identity: only what the boot code runs from while the MMU comes on.
  for (std::uint64_t b = block_start; b < block_end; b += kBlockSize) tables.map_block(identity, b, b, kernel_code);
  // The linear map: RAM in 2 MiB blocks, but the image's blocks in pages
  // (so a page of the image can be taken away: the kernel stacks' guard
  // pages, machine::unmap_kernel_page), and the devices.
  for (std::uint64_t b = kRamPhysical; b < kRamPhysical + kRamSize; b += kBlockSize) {
    if (b >= block_start && b < block_end) {
      for (std::uint64_t p = b; p < b + kBlockSize; p += kPageSize) {
        tables.map_page(kernel, kKernelOffset + p, p, kernel_code);
      }
    } else {
      tables.map_block(kernel, kKernelOffset + b, b, kernel_data);
    }
  }
  for (std::size_t w = 0; w < kBoardDeviceWindowCount; ++w) {
    const DeviceWindow& window = kBoardDeviceWindows[w];
    for (std::uint64_t b = window.physical; b < window.physical + window.size; b += kBlockSize) {
      tables.map_block(kernel, kKernelOffset + b, b, device);
    }
  }

  g_kernel_root = kernel;
  g_identity_root = identity;
  g_kernel_tables_used = tables.used();
  turn_the_mmu_on(identity, kernel);
}

// A secondary CPU (hw-aarch64/cpu/secondary_entry.S), at the physical
// address with its MMU off: the boot CPU's tables, the same switch.
extern "C" void aarch64_secondary_enable_mmu() {
  using namespace pristine::aarch64;
  turn_the_mmu_on(g_identity_root, g_kernel_root);
}
