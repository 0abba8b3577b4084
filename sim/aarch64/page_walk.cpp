#include "sim/aarch64/page_walk.h"

#include <cstring>

#include "hw-aarch64/cpu/page_tables.h"

namespace pristine::sim::aarch64 {
namespace {

namespace d = pristine::aarch64::descriptor;

// TCR_EL1 fields (Arm ARM D17.2.131): the region sizes and walk disables.
constexpr unsigned tcr_t0sz(std::uint64_t tcr) { return tcr & 0x3f; }
constexpr unsigned tcr_t1sz(std::uint64_t tcr) { return (tcr >> 16) & 0x3f; }
constexpr bool tcr_epd0(std::uint64_t tcr) { return (tcr >> 7) & 1; }
constexpr bool tcr_epd1(std::uint64_t tcr) { return (tcr >> 23) & 1; }
// The table base in a TTBR: BADDR, bits 47:1 (bit 0 is CnP, 63:48 the ASID).
constexpr std::uint64_t kTtbrBaseMask = 0x0000'ffff'ffff'fffe;
// The hierarchical bits of a table descriptor (D8.3.1): they take
// permissions away from everything below.
constexpr std::uint64_t kPxnTable = 1ull << 59;
constexpr std::uint64_t kUxnTable = 1ull << 60;
constexpr std::uint64_t kApTableNoEl0 = 1ull << 61;
constexpr std::uint64_t kApTableReadOnly = 1ull << 62;

std::uint64_t read_entry(const GuestMemory& memory, PhysAddr address) {
  const std::uint8_t* p = memory.physical(address, 8);
  if (!p) return 0;  // a table outside guest memory reads as invalid
  std::uint64_t entry;
  std::memcpy(&entry, p, 8);
  return entry;
}

PageTranslation fault(FaultKind kind, unsigned level) {
  PageTranslation t;
  t.fault_status = fault_status(kind, level);
  return t;
}

}  // namespace

PageTranslation walk_page_tables(const GuestMemory& memory, const TranslationControl& control, VirtAddr page,
                                 const PageAccess& access) {
  if (!control.mmu_on) {
    // Stage 1 off: flat, every access allowed (memory attributes aside).
    return {.ok = true, .page = page, .readable = true, .writable = true, .executable = true};
  }
  // The top bits choose the region: all zeros TTBR0, all ones TTBR1;
  // anything else has no table to walk (a level-0 translation fault).
  const bool upper = (page >> 63) & 1;
  // T0SZ/T1SZ out of the 4 KiB granule's range (16..39) act as the nearest
  // limit, as QEMU's walk treats them.
  unsigned size_bits = upper ? tcr_t1sz(control.tcr) : tcr_t0sz(control.tcr);
  size_bits = size_bits < 16 ? 16 : (size_bits > 39 ? 39 : size_bits);
  const unsigned va_bits = 64 - size_bits;
  const std::uint64_t top = page >> va_bits;
  const std::uint64_t all_ones = ~std::uint64_t{0} >> va_bits;
  if (top != (upper ? all_ones : 0)) return fault(FaultKind::Translation, 0);
  if (upper ? tcr_epd1(control.tcr) : tcr_epd0(control.tcr)) return fault(FaultKind::Translation, 0);

  // 4 KiB granule: nine bits per level down to bit 12; a smaller space
  // starts lower (39 bits: level 1).
  const unsigned levels = (va_bits - 12 + 8) / 9;
  unsigned level = 4 - levels;
  PhysAddr table = (upper ? control.ttbr1 : control.ttbr0) & kTtbrBaseMask;
  bool no_el0 = false, read_only = false, user_never_executes = false, kernel_never_executes = false;
  std::uint64_t leaf = 0;
  for (;; ++level) {
    const unsigned shift = 12 + 9 * (3 - level);
    const std::uint64_t index = (page >> shift) & 511;
    const std::uint64_t entry = read_entry(memory, table + index * 8);
    if (!(entry & d::kValid)) return fault(FaultKind::Translation, level);
    const bool table_bit = entry & d::kTable;
    if (level == 3) {
      if (!table_bit) return fault(FaultKind::Translation, 3);  // 0b01 is reserved at level 3
      leaf = entry;
      break;
    }
    if (!table_bit) {
      // A block: 1 GiB at level 1, 2 MiB at level 2; none at level 0.
      if (level == 0) return fault(FaultKind::Translation, 0);
      leaf = entry;
      break;
    }
    no_el0 = no_el0 || (entry & kApTableNoEl0);
    read_only = read_only || (entry & kApTableReadOnly);
    user_never_executes = user_never_executes || (entry & kUxnTable);
    kernel_never_executes = kernel_never_executes || (entry & kPxnTable);
    table = entry & d::kAddressMask;
  }
  // Hardware access-flag management is off (TCR_EL1.HA = 0): a clear AF faults.
  if (!(leaf & d::kAccessFlag)) return fault(FaultKind::AccessFlag, level);

  const unsigned leaf_shift = 12 + 9 * (3 - level);
  const std::uint64_t size_mask = (std::uint64_t{1} << leaf_shift) - 1;
  PageTranslation t;
  t.page = ((leaf & d::kAddressMask) & ~size_mask) | (page & size_mask & ~std::uint64_t{0xfff});

  // AP[2:1] (D8.4.1): AP[1] gives EL0 access, AP[2] takes writes away.
  const bool el0_access = (leaf & d::kUser) && !no_el0;
  const bool writable_anywhere = !(leaf & d::kReadOnly) && !read_only;
  const bool el0_writable = el0_access && writable_anywhere;
  if (access.user) {
    t.readable = el0_access;
    t.writable = el0_writable;
    t.executable = !(leaf & d::kUserNoExecute) && !user_never_executes;
  } else {
    // PAN: EL1's data accesses to what EL0 may access fault (D8.4.2).
    const bool pan_blocks = control.pan && el0_access && !access.fetch;
    t.readable = !pan_blocks;
    t.writable = !pan_blocks && writable_anywhere;
    // EL1 never executes what EL0 may write (D8.4.3, implicit PXN).
    t.executable = !(leaf & d::kPrivilegedNoExecute) && !kernel_never_executes && !el0_writable;
  }
  if (control.write_execute_never && t.writable) t.executable = false;

  const bool allowed = access.fetch ? t.executable : (access.write ? t.writable : t.readable);
  if (!allowed) return fault(FaultKind::Permission, level);
  t.ok = true;
  return t;
}

}  // namespace pristine::sim::aarch64
