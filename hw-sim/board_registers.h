// Register map of the simulated board (docs/sim-board.md). Shared by the guest
// side (hw-sim/) and the simulator (sim/sim_board.cpp): one definition.
// One MMIO page; every register is 64 bits wide and naturally aligned.
#pragma once

#include <cstdint>

namespace pristine::sim_board {

// In the kernel's top 2 GiB so a register is one `mov` with a 32-bit
// sign-extended absolute address (-mcmodel=kernel).
inline constexpr std::uint64_t kBase = 0xFFFFFFFFFEB00000;
inline constexpr std::uint64_t kSize = 0x1000;

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
  kUnmapPage = 0x58,      // WO: make this 4 KiB page inaccessible (the board's MMU: guard pages)
  kStartCpu = 0x60,       // WO: start this CPU at sim_secondary_entry (it reads kCpuId to know itself)
  kUnmapUserPage = 0x68,  // WO: remove this ring-3 page; other CPUs keep stale translations until invlpg
  kMapUserPage = 0x70,    // WO: map this ring-3 page again, zero-filled
  kCpuCount = 0x78,       // RO: CPUs on the board
};

inline constexpr std::uint64_t kIpiToOthers = 0xFF;

inline constexpr std::uint64_t kBoardId = 0x4452424d49535250;  // "PRSIMBRD"

}  // namespace pristine::sim_board
