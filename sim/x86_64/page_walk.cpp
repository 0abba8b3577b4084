#include "sim/x86_64/page_walk.h"

#include <cstring>

#include "hw-x86_64/cpu/page_fault_error.h"

namespace pristine::sim {
namespace {

constexpr std::uint64_t kPresent = 1, kWrite = 2, kUser = 4, kLarge = 0x80;
constexpr std::uint64_t kNoExecute = std::uint64_t{1} << 63;
constexpr std::uint64_t kAddressMask = 0x000FFFFFFFFFF000;

std::uint64_t read_entry(const GuestMemory& memory, PhysAddr address) {
  const std::uint8_t* p = memory.physical(address, 8);
  if (!p) return 0;
  std::uint64_t entry;
  std::memcpy(&entry, p, 8);
  return entry;
}

}  // namespace

PageTranslation walk_page_tables(const GuestMemory& memory, const PagingControl& control, VirtAddr page,
                                 const PageAccess& access) {
  namespace pf = x86::page_fault_error;
  PageTranslation t;
  // The error code's access bits; P (and RSVD) are added where the walk stops.
  std::uint64_t error = (access.write ? pf::kWrite : 0) | (access.user ? pf::kUser : 0) |
                        (access.fetch && control.no_execute ? pf::kFetch : 0);
  bool user = true, writable = true, no_execute = false;
  PhysAddr table = control.cr3 & kAddressMask;
  // Levels 4..1 index with bits 47..39, 38..30, 29..21, 20..12.
  for (int level = 4; level >= 1; --level) {
    const unsigned shift = 12 + 9 * (level - 1);
    const std::uint64_t entry = read_entry(memory, table + ((page >> shift) & 511) * 8);
    if (!(entry & kPresent)) {
      t.error_code = error;
      return t;
    }
    if ((entry & kNoExecute) && !control.no_execute) {
      t.error_code = error | pf::kPresent | pf::kReservedBit;
      return t;
    }
    user = user && (entry & kUser);
    writable = writable && (entry & kWrite);
    no_execute = no_execute || (entry & kNoExecute);
    const bool leaf = level == 1 || ((level == 2 || level == 3) && (entry & kLarge));
    if (leaf) {
      const std::uint64_t size_mask = (std::uint64_t{1} << shift) - 1;
      t.page = ((entry & kAddressMask) & ~size_mask) | (page & size_mask & ~std::uint64_t{0xFFF});
      break;
    }
    table = entry & kAddressMask;
  }
  // Privilege (SDM 4.6): ring 3 needs U everywhere and, to write, W
  // everywhere; ring 0 needs W only with CR0.WP. NX forbids fetches.
  const bool may_write = access.user ? (user && writable) : (writable || !control.write_protect);
  const bool may_fetch = !(no_execute && control.no_execute);
  if ((access.user && !user) || (access.write && !may_write) || (access.fetch && !may_fetch)) {
    t.error_code = error | pf::kPresent;
    return t;
  }
  t.ok = true;
  t.writable = may_write;
  t.executable = may_fetch;
  return t;
}

}  // namespace pristine::sim
