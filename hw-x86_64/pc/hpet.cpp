#include "hw-x86_64/pc/hpet.h"

namespace pristine::pc {
namespace {

// Identity-mapped uncached by the boot page tables (the fourth GiB, beside
// the I/O APIC).
constexpr std::uint64_t kHpetBase = 0xFED00000;

// General registers (spec 2.3.1), 64-bit each.
constexpr std::uint64_t kCapabilities = 0x000;  // bits 63:32 the counter period in femtoseconds
constexpr std::uint64_t kConfiguration = 0x010;
constexpr std::uint64_t kMainCounter = 0x0F0;
constexpr std::uint64_t kEnable = 1u << 0;
constexpr std::uint64_t kLegacyRoute = 1u << 1;  // timer 0 to IRQ 0, timer 1 to IRQ 8

// Timer N's registers, 0x20 bytes apart from 0x100.
constexpr std::uint64_t timer_configuration(unsigned n) { return 0x100 + 0x20 * n; }
constexpr std::uint64_t timer_comparator(unsigned n) { return 0x108 + 0x20 * n; }
constexpr std::uint64_t kTimerInterruptEnable = 1u << 2;  // edge-triggered: bit 1 stays 0
constexpr std::uint64_t kTimerPeriodic = 1u << 3;
constexpr std::uint64_t kTimerPeriodicCapable = 1u << 4;
constexpr std::uint64_t kTimerSetAccumulator = 1u << 6;  // the next comparator write sets the count, the one after the period
constexpr unsigned kLine8Timer = 1;

constexpr std::uint64_t kFemtosecondsPerSecond = 1'000'000'000'000'000;

// QEMU's HPET takes 32-bit accesses only: each register is two halves.
std::uint64_t read(std::uint64_t reg) {
  const auto* r = reinterpret_cast<volatile std::uint32_t*>(kHpetBase + reg);
  return r[0] | (std::uint64_t{r[1]} << 32);
}

void write(std::uint64_t reg, std::uint64_t value) {
  auto* r = reinterpret_cast<volatile std::uint32_t*>(kHpetBase + reg);
  r[0] = static_cast<std::uint32_t>(value);
  r[1] = static_cast<std::uint32_t>(value >> 32);
}

}  // namespace

bool hpet_raise_line_periodically(std::uint32_t hz) {
  const std::uint64_t period_fs = read(kCapabilities) >> 32;
  // No HPET: the bus reads all ones (or nothing answers with zero).
  if (hz == 0 || period_fs == 0 || period_fs == 0xFFFFFFFF) return false;
  if (!(read(timer_configuration(kLine8Timer)) & kTimerPeriodicCapable)) return false;
  std::uint64_t ticks = kFemtosecondsPerSecond / period_fs / hz;
  if (ticks == 0) ticks = 1;
  // Counter halted and zeroed; timer 1's first expiry written while it is
  // one-shot (both halves of a one-shot comparator are the comparator),
  // then, periodic with the accumulator bit, the period: its first half
  // sets comparator and period (the bit then clears), the second the
  // period's upper half. Then the counter starts, with the legacy route
  // that sends timer 1 to IRQ 8.
  write(kConfiguration, 0);
  write(kMainCounter, 0);
  write(timer_configuration(kLine8Timer), kTimerInterruptEnable);
  write(timer_comparator(kLine8Timer), ticks);
  write(timer_configuration(kLine8Timer), kTimerInterruptEnable | kTimerPeriodic | kTimerSetAccumulator);
  write(timer_comparator(kLine8Timer), ticks);
  write(kConfiguration, kEnable | kLegacyRoute);
  return true;
}

}  // namespace pristine::pc
