// Register map of the simulated board (docs/sim-board.md). Shared by the guest
// side (hw-sim/) and the simulator (sim/sim_board.cpp): one definition.
// One MMIO page; every register is 64 bits wide and naturally aligned.
#pragma once

#include <cstdint>

namespace pristine::sim_board {

// In the kernel's top 2 GiB so a register is one `mov` with a 32-bit
// sign-extended absolute address (-mcmodel=kernel). The page number's low
// byte, 0xF0, is where it is for speed: the engine's TLB is indexed by the
// low bits of the page number (256 or 512 entries), and its victim TLB never
// finds an MMIO entry again (Unicorn 2.1's QEMU compares the entry's flag
// bits too), so a kernel page that shares the index and runs between two
// register accesses costs a TLB fill per access. At 0xF0 the index meets only
// the kernel's page-table pool, which the paths do not touch
// (tests/board_layout_test.cpp checks the hot code and the data; at 0x00 the
// hot code's first page took four fills per device interrupt, 30 % of an
// idle device storm's host time).
inline constexpr std::uint64_t kBase = 0xFFFFFFFFFEBF0000;
inline constexpr std::uint64_t kSize = 0x1000;
// Where the board decodes the page: in the fourth GiB of physical memory,
// which the boot page tables map at the top of the kernel half
// (hw-x86_64/cpu/boot_page_tables.inc: 0xFFFFFFFFC0000000 -> 0xC0000000).
inline constexpr std::uint64_t kPhysicalBase = kBase - 0xFFFFFFFFC0000000 + 0xC0000000;
static_assert(kPhysicalBase == 0xFEBF0000);

enum Register : std::uint64_t {
  kId = 0x00,             // RO: kBoardId
  kCpuId = 0x08,          // RO: index of the reading CPU
  kClock = 0x10,          // RO: this CPU's modeled cycle counter (the board's rdtsc)
  kTimerDeadline = 0x18,  // RW: absolute one-shot deadline in cycles; 0 disarms
  kTimerVector = 0x20,    // RW: vector the timer raises (like the LAPIC LVT timer)
  kEoi = 0x28,            // WO: end of interrupt for the highest in-service vector
  kIpi = 0x30,            // WO: (target cpu << 8) | vector; target kIpiToOthers: every other running CPU
  kConsole = 0x38,        // WO: one character (cold path only: costs like a UART)
  kExit = 0x40,           // WO: power off with this exit code
  kClockHz = 0x48,        // RO: modeled core frequency
  kDeviceAck = 0x50,      // WO: vector of a device interrupt serviced (deasserts a level line)
  kAcknowledge = 0x58,    // RO: the highest deliverable interrupt, now in service; kNothingPending if none
                          // (GICv3's ICC_IAR1_EL1: an AArch64 handler asks; x86-64's delivery names the vector)
  // 0x68, 0x70: free (the board MMU's registers before the image had page tables)
  kStartCpu = 0x60,       // WO: start this CPU at sim_secondary_entry (it reads kCpuId to know itself)
  kCpuCount = 0x78,       // RO: CPUs on the board
};

inline constexpr std::uint64_t kIpiToOthers = 0xFF;
// What kAcknowledge reads when no interrupt is deliverable: GICv3's spurious
// INTID, which is never ended.
inline constexpr std::uint64_t kNothingPending = 1023;

// uart0's 16550 (core/drivers/uart_registers.h): the page after the board's
// (its TLB index as cold), one byte-wide register per byte offset, as on the
// PC's I/O ports.
inline constexpr std::uint64_t kUartBase = kBase + kSize;
inline constexpr std::uint64_t kUartPhysicalBase = kPhysicalBase + kSize;
inline constexpr std::uint64_t kUartSize = 0x1000;

// x86-64: the board clock as a page of memory, read with a plain load (the
// value kClock reads: this CPU's modeled cycle counter, the read's cost
// charged). The simulator writes the CPU's count into the page's first word
// before each block that reads it, so the load is exact with no trip through
// the engine's device path, where kClock's 8 bytes are two (an MMIO read
// costs the host ~600 instructions, and the kernel reads the clock twice per
// interrupt: docs/sim-board.md, "The clock page"). Only a read at its
// absolute address is seen (what machine::now() compiles to): the simulator
// refuses an image with any other reference into the page. The page after
// uart0's: its TLB index, 0xF2, as cold as the board's.
inline constexpr std::uint64_t kClockPageBase = kUartBase + kUartSize;
inline constexpr std::uint64_t kClockPagePhysicalBase = kUartPhysicalBase + kUartSize;
inline constexpr std::uint64_t kClockPageSize = 0x1000;

// nic0's 82540EM (core/drivers/e1000_registers.h): its 128 KiB register
// space, 32-bit registers at the chip's offsets, just below the board's page.
// Where for the same reason as kBase: the pages of the registers its top
// and bottom halves touch (ICR, RDT) take TLB indices 0xD0 and 0xD2, which
// only the page-table pool shares (at 0xFEB20000 they shared CPU 0's
// per-CPU block's).
inline constexpr std::uint64_t kNicBase = 0xFFFFFFFFFEBD0000;
inline constexpr std::uint64_t kNicPhysicalBase = kNicBase - 0xFFFFFFFFC0000000 + 0xC0000000;
inline constexpr std::uint64_t kNicSize = 0x20000;
static_assert(kNicBase + kNicSize <= kBase, "nic0's window ends below the board's page");

inline constexpr std::uint64_t kBoardId = 0x4452424d49535250;  // "PRSIMBRD"

// The same board for an AArch64 image: the same pages at physical addresses
// of their own, below RAM (0x40000000, as on QEMU's `virt`), in one 2 MiB
// block the kernel maps as Device memory in its linear map
// (hw-sim/aarch64/device_windows.cpp).
namespace aarch64 {
inline constexpr std::uint64_t kDeviceBlock = 0x0a00'0000;
inline constexpr std::uint64_t kNicPhysicalBase = kDeviceBlock;
inline constexpr std::uint64_t kPhysicalBase = kNicPhysicalBase + kNicSize;
inline constexpr std::uint64_t kUartPhysicalBase = kPhysicalBase + kSize;
static_assert(kUartPhysicalBase + kUartSize <= kDeviceBlock + 0x20'0000, "one 2 MiB block");
}  // namespace aarch64

}  // namespace pristine::sim_board
