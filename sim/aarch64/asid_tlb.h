// What one AArch64 CPU's TLB may hold of the EL0 spaces, by ASID, as
// hardware keeps it: every translation of the lower half (TTBR0's) the MMU
// gave, tagged with the ASID it was walked under, until a `tlbi` drops it.
// Unicorn's own TLB cannot stand for it: QEMU flushes it whole whenever a
// TTBR0 write changes the ASID, where a real CPU keeps every other ASID's
// entries (the point of ASIDs, docs/aarch64.md). So a space whose tables
// changed without a flush of its ASID (a slot reused after a scrub, with
// the switch's flush missing) would run correctly here and wrongly on
// hardware; this model is what tells (Simulator's `stale-translation`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include "sim/host_types.h"

namespace pristine::sim::aarch64 {

// TTBR0_EL1's ASID (8 bits: TCR_EL1.AS = 0) and its lower-half pages.
constexpr std::uint16_t asid_of(std::uint64_t ttbr0) { return static_cast<std::uint16_t>((ttbr0 >> 48) & 0xff); }
constexpr bool is_lower_half(VirtAddr address) { return address < (std::uint64_t{1} << 48); }

class AsidTlb {
 public:
  struct Entry {
    VirtAddr page = 0;
    PhysAddr physical = 0;
  };

  // The MMU gave `page` -> `physical` under `asid` (a lower-half page).
  void filled(std::uint16_t asid, VirtAddr page, PhysAddr physical) { entries_[key(asid, page)] = physical; }
  // tlbi vae1/vale1 (one ASID), vaae1/vaale1 (every ASID), aside1, vmalle1.
  void flush_page(std::uint16_t asid, VirtAddr page) { entries_.erase(key(asid, page)); }
  void flush_page_every_asid(VirtAddr page);
  void flush_asid(std::uint16_t asid);
  void flush_all() { entries_.clear(); }

  // The first entry of `asid` that the tables no longer give: `walk(page)`
  // is their translation now (nullopt: none). It is dropped (reported once).
  std::optional<Entry> take_stale(std::uint16_t asid, const std::function<std::optional<PhysAddr>(VirtAddr)>& walk);

  std::size_t size() const { return entries_.size(); }

 private:
  // ASID above the page number (48-bit addresses: 36 bits of page number).
  static std::uint64_t key(std::uint16_t asid, VirtAddr page) {
    return (std::uint64_t{asid} << 36) | ((page >> 12) & ((std::uint64_t{1} << 36) - 1));
  }
  static std::uint16_t asid_of_key(std::uint64_t key) { return static_cast<std::uint16_t>(key >> 36); }
  static VirtAddr page_of_key(std::uint64_t key) { return (key & ((std::uint64_t{1} << 36) - 1)) << 12; }

  // At most 256 ASIDs of the lower half's pages in use: bounded by the
  // guest's own spaces, whatever the run's length.
  std::unordered_map<std::uint64_t, PhysAddr> entries_;
};

}  // namespace pristine::sim::aarch64
