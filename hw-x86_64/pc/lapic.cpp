#include "hw-x86_64/pc/lapic.h"

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"

namespace pristine::pc {
namespace {

constexpr std::uint64_t kLapicBase = 0xFEE00000;
enum Reg : std::uint32_t {
  kId = 0x20,
  kEoi = 0xB0,
  kSpurious = 0xF0,
  kIcrLow = 0x300,
  kIcrHigh = 0x310,
  kLvtTimer = 0x320,
  kInitialCount = 0x380,
  kCurrentCount = 0x390,
  kDivide = 0x3E0,
};

inline volatile std::uint32_t& reg(Reg r) {
  return *reinterpret_cast<volatile std::uint32_t*>(kLapicBase + r);
}

std::uint64_t g_timer_hz = 0;
// LAPIC timer ticks per TSC cycle, as a 32.32 fixed-point fraction.
std::uint64_t g_ticks_per_tsc_q32 = 0;

}  // namespace

void lapic_init() {
  reg(kSpurious) = 0x100 | vectors::kSpurious;  // software enable
  reg(kDivide) = 0x3;                           // divide by 16
  reg(kLvtTimer) = 0x10000;                     // masked while it is measured
  reg(kInitialCount) = 0xFFFFFFFF;
}

std::uint32_t lapic_timer_count() { return reg(kCurrentCount); }

void lapic_timer_start(std::uint64_t timer_hz, std::uint64_t tsc_hz) {
  reg(kInitialCount) = 0;  // stop the free-running count
  g_timer_hz = timer_hz;
  g_ticks_per_tsc_q32 = static_cast<std::uint64_t>((static_cast<unsigned __int128>(timer_hz) << 32) / tsc_hz);
  reg(kLvtTimer) = vectors::kTimer;  // one-shot, unmasked
}

void lapic_init_secondary() {
  reg(kSpurious) = 0x100 | vectors::kSpurious;
  reg(kDivide) = 0x3;
  reg(kInitialCount) = 0;
  reg(kLvtTimer) = vectors::kTimer;
}

void lapic_send_command(CpuId cpu, std::uint32_t command) {
  reg(kIcrHigh) = cpu << 24;
  reg(kIcrLow) = command;
  while (reg(kIcrLow) & (1u << 12)) asm volatile("pause");  // delivery pending
}

PRISTINE_HOT void lapic_eoi() { reg(kEoi) = 0; }

PRISTINE_HOT void lapic_arm_in(Cycles tsc_delta) {
  const auto ticks = static_cast<std::uint64_t>((static_cast<unsigned __int128>(tsc_delta) * g_ticks_per_tsc_q32) >> 32);
  reg(kInitialCount) = ticks == 0 ? 1 : (ticks > 0xFFFFFFFF ? 0xFFFFFFFF : static_cast<std::uint32_t>(ticks));
}

PRISTINE_HOT void lapic_send_ipi(CpuId target, Vector vector) {
  reg(kIcrHigh) = target << 24;
  reg(kIcrLow) = vector;  // fixed delivery, physical destination
}

PRISTINE_HOT void lapic_send_ipi_to_others(Vector vector) {
  reg(kIcrLow) = (3u << 18) | vector;  // destination shorthand: all excluding self (SDM Vol. 3, 11.6.1)
}

std::uint64_t lapic_timer_hz() { return g_timer_hz; }

}  // namespace pristine::pc
