// The Intel 82540EM (e1000) register interface nic0 uses: the receive side,
// interrupt cause/mask/throttling, and the legacy receive descriptor (Intel
// PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's
// Manual, 8254x, sections 3.2 and 13; QEMU 7.2's `-device e1000` models the
// same chip). One source for the kernel's driver (core/drivers/nic.cpp) and
// the simulated board's model (sim/nic_model.cpp). Offsets are byte offsets
// into the device's memory-mapped register space (BAR0 on the PC; the NIC's
// pages on the simulated board: machine::nic_read/nic_write); every register
// is 32 bits wide.
#pragma once

#include <cstdint>

namespace pristine::e1000 {

enum Register : std::uint32_t {
  kCtrl = 0x0000,     // CTRL: device control
  kStatus = 0x0008,   // STATUS: device status (read only)
  kMdic = 0x0020,     // MDIC: MDI (PHY register) control
  kIcr = 0x00C0,      // ICR: interrupt cause read; reading it clears it (acknowledges)
  kItr = 0x00C4,      // ITR: interrupt throttling, the minimum interval between interrupts in 256 ns units
  kIcs = 0x00C8,      // ICS: interrupt cause set (write only)
  kIms = 0x00D0,      // IMS: interrupt mask set (write) / read the mask
  kImc = 0x00D8,      // IMC: interrupt mask clear (write only)
  kRctl = 0x0100,     // RCTL: receive control
  kRdbal = 0x2800,    // RDBAL: receive descriptor ring base, low 32 bits (16-byte aligned)
  kRdbah = 0x2804,    // RDBAH: receive descriptor ring base, high 32 bits
  kRdlen = 0x2808,    // RDLEN: ring length in bytes (a multiple of 128)
  kRdh = 0x2810,      // RDH: receive descriptor head (the device's next descriptor)
  kRdt = 0x2818,      // RDT: receive descriptor tail (one past the last the device may fill)
  kRdtr = 0x2820,     // RDTR: receive delay timer (packet timer), 1.024 us units
  kRadv = 0x282C,     // RADV: receive interrupt absolute delay timer, 1.024 us units
  kMpc = 0x4010,      // MPC: missed packets count (statistics, cleared on read)
};
// The register space's size (BAR0 of the 82540EM: 128 KiB).
inline constexpr std::uint32_t kRegisterSpace = 0x20000;

// CTRL
inline constexpr std::uint32_t kCtrlSetLinkUp = 1u << 6;  // SLU
inline constexpr std::uint32_t kCtrlReset = 1u << 26;     // RST
// STATUS
inline constexpr std::uint32_t kStatusLinkUp = 1u << 1;  // LU

// Interrupt causes: ICR, ICS, IMS, IMC share the bit layout.
inline constexpr std::uint32_t kIntTxdw = 1u << 0;     // TXDW: transmit descriptor written back
inline constexpr std::uint32_t kIntLsc = 1u << 2;      // LSC: link status change
inline constexpr std::uint32_t kIntRxdmt0 = 1u << 4;   // RXDMT0: receive descriptors below the minimum threshold
inline constexpr std::uint32_t kIntRxo = 1u << 6;      // RXO: receiver overrun (a packet was missed: no descriptor)
inline constexpr std::uint32_t kIntRxt0 = 1u << 7;     // RXT0: receiver timer (a packet was received)
// ICR bit 31: an interrupt is asserted (INT_ASSERTED, 82571 and later; QEMU sets it on the 82540EM too).
inline constexpr std::uint32_t kIntAsserted = 1u << 31;

// RCTL
inline constexpr std::uint32_t kRctlEnable = 1u << 1;                // EN
inline constexpr std::uint32_t kRctlUnicastPromiscuous = 1u << 3;    // UPE
inline constexpr std::uint32_t kRctlMulticastPromiscuous = 1u << 4;  // MPE
inline constexpr std::uint32_t kRctlBroadcastAccept = 1u << 15;      // BAM
inline constexpr std::uint32_t kRctlBufferSizeShift = 16;            // BSIZE, bits 16-17 (with BSEX = 0):
inline constexpr std::uint32_t kRctlBufferSizeMask = 3u << kRctlBufferSizeShift;
inline constexpr std::uint32_t kRctlBufferSize2048 = 0u << kRctlBufferSizeShift;
inline constexpr std::uint32_t kRctlBufferSize1024 = 1u << kRctlBufferSizeShift;
inline constexpr std::uint32_t kRctlBufferSize512 = 2u << kRctlBufferSizeShift;
inline constexpr std::uint32_t kRctlBufferSize256 = 3u << kRctlBufferSizeShift;
inline constexpr std::uint32_t kRctlStripCrc = 1u << 26;             // SECRC: strip the Ethernet CRC
// The receive buffer size RCTL.BSIZE selects (BSEX = 0).
constexpr std::uint32_t receive_buffer_size(std::uint32_t rctl) {
  return 2048u >> ((rctl & kRctlBufferSizeMask) >> kRctlBufferSizeShift);
}

// The legacy receive descriptor (16 bytes): the driver writes the buffer's
// physical address, the device writes the rest when it has filled the buffer.
struct RxDescriptor {
  std::uint64_t buffer_address;  // physical address of the packet buffer
  std::uint16_t length;          // bytes the device wrote into the buffer
  std::uint16_t checksum;        // packet checksum (unused here)
  std::uint8_t status;           // DD, EOP, ...
  std::uint8_t errors;
  std::uint16_t special;         // VLAN tag
};
static_assert(sizeof(RxDescriptor) == 16);
inline constexpr std::uint32_t kRxDescriptorLengthOffset = 8;
inline constexpr std::uint32_t kRxDescriptorStatusOffset = 12;
// RxDescriptor::status
inline constexpr std::uint8_t kRxStatusDone = 1u << 0;        // DD: the device is done with this descriptor
inline constexpr std::uint8_t kRxStatusEndOfPacket = 1u << 1;  // EOP: the packet's last descriptor

// PCI identity of the 82540EM (QEMU's `-device e1000`).
inline constexpr std::uint16_t kPciVendorIntel = 0x8086;
inline constexpr std::uint16_t kPciDevice82540Em = 0x100E;

}  // namespace pristine::e1000
