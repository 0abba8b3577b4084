#include "hw-x86_64/pc/pci.h"

#include "core/drivers/e1000_registers.h"
#include "hw-x86_64/cpu/instructions.h"

namespace pristine::pc {

std::uint64_t g_nic_registers = 0;
unsigned g_nic_pin = 0;

namespace {

constexpr std::uint16_t kConfigAddress = 0xCF8;
constexpr std::uint16_t kConfigData = 0xCFC;
// Configuration space offsets (PCI Local Bus Specification 3.0, 6.1).
constexpr std::uint8_t kVendorDevice = 0x00;
constexpr std::uint8_t kCommand = 0x04;  // 16 bits; the status register above it
constexpr std::uint8_t kBar0 = 0x10;
constexpr std::uint8_t kInterruptLine = 0x3C;  // low byte
constexpr std::uint32_t kCommandMemorySpace = 1u << 1;
constexpr std::uint32_t kCommandBusMaster = 1u << 2;
constexpr std::uint32_t kCommandInterruptDisable = 1u << 10;
constexpr std::uint32_t kBarIo = 1u << 0;
// The boot page tables map the fourth GiB uncached (boot_page_tables.inc).
constexpr std::uint64_t kUncachedStart = 0xC0000000;
constexpr std::uint64_t kUncachedEnd = 0x100000000;

std::uint32_t address(unsigned device, std::uint8_t offset) {
  return 0x80000000u | (device << 11) | (offset & 0xFCu);  // bus 0, function 0
}
std::uint32_t config_read(unsigned device, std::uint8_t offset) {
  x86::outl(kConfigAddress, address(device, offset));
  return x86::inl(kConfigData);
}
void config_write(unsigned device, std::uint8_t offset, std::uint32_t value) {
  x86::outl(kConfigAddress, address(device, offset));
  x86::outl(kConfigData, value);
}

}  // namespace

PciNic pci_find_nic() {
  constexpr std::uint32_t kWanted = (std::uint32_t{e1000::kPciDevice82540Em} << 16) | e1000::kPciVendorIntel;
  for (unsigned device = 0; device < 32; ++device) {
    if (config_read(device, kVendorDevice) != kWanted) continue;
    const std::uint32_t bar = config_read(device, kBar0);
    const std::uint64_t base = bar & ~0xFu;
    // A 32-bit memory BAR the firmware placed in the uncached window.
    if ((bar & kBarIo) || base < kUncachedStart || base + e1000::kRegisterSpace > kUncachedEnd) return {};
    // Writing the command register's half of the word writes zeros to the
    // status half, whose bits are cleared by writing ones: nothing changes there.
    const std::uint32_t command = config_read(device, kCommand) & 0xFFFFu;
    config_write(device, kCommand,
                 (command | kCommandMemorySpace | kCommandBusMaster) & ~kCommandInterruptDisable);
    const unsigned pin = config_read(device, kInterruptLine) & 0xFFu;
    g_nic_registers = base;
    g_nic_pin = pin;
    return {.found = true, .registers = base, .pin = pin};
  }
  return {};
}

}  // namespace pristine::pc
