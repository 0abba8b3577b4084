#include "hw-x86_64/pc/ioapic.h"

#include <atomic>

#include "core/hot_path.h"

namespace pristine::pc {
namespace {

// Identity-mapped uncached by the boot page tables (the fourth GiB, like the LAPIC).
constexpr std::uint64_t kIoApicBase = 0xFEC00000;
// Indirect access: select a register, then read or write the window.
volatile std::uint32_t& select() { return *reinterpret_cast<volatile std::uint32_t*>(kIoApicBase + 0x00); }
volatile std::uint32_t& window() { return *reinterpret_cast<volatile std::uint32_t*>(kIoApicBase + 0x10); }

constexpr std::uint32_t kVersionRegister = 0x01;
constexpr std::uint32_t redirection_low(unsigned pin) { return 0x10 + 2 * pin; }
constexpr std::uint32_t redirection_high(unsigned pin) { return 0x11 + 2 * pin; }

// Redirection entry, low half: bits 0-7 vector, 8-10 delivery mode (000
// fixed), 11 destination mode (0 physical), 13 polarity (0 active high),
// 15 trigger mode (1 level), 16 mask.
constexpr std::uint32_t kLevelTriggered = 1u << 15;
constexpr std::uint32_t kMasked = 1u << 16;

std::uint32_t read(std::uint32_t reg) {
  select() = reg;
  return window();
}

void write(std::uint32_t reg, std::uint32_t value) {
  select() = reg;
  window() = value;
}

unsigned pin_count() { return ((read(kVersionRegister) >> 16) & 0xFF) + 1; }

// Serializes select-then-window sequences across CPUs (ioapic.h).
std::atomic<bool> g_locked{false};

class [[nodiscard]] IoApicLock {
 public:
  PRISTINE_WAITING_LOCK IoApicLock() {
    while (g_locked.exchange(true, std::memory_order_acquire)) asm volatile("pause");
  }
  ~IoApicLock() { g_locked.store(false, std::memory_order_release); }
};

}  // namespace

void ioapic_mask_all() {
  const IoApicLock lock;
  for (unsigned pin = 0, n = pin_count(); pin < n; ++pin) write(redirection_low(pin), kMasked);
}

void ioapic_mask(unsigned pin) {
  const IoApicLock lock;
  if (pin < pin_count()) write(redirection_low(pin), kMasked);
}

void ioapic_route(unsigned pin, Vector vector, std::uint32_t apic_id, bool level) {
  const IoApicLock lock;
  if (pin >= pin_count()) return;
  write(redirection_low(pin), kMasked);
  write(redirection_high(pin), apic_id << 24);
  write(redirection_low(pin), (level ? kLevelTriggered : 0) | vector);
}

}  // namespace pristine::pc
