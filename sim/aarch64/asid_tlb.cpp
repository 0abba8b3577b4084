#include "sim/aarch64/asid_tlb.h"

namespace pristine::sim::aarch64 {

void AsidTlb::flush_page_every_asid(VirtAddr page) {
  std::erase_if(entries_, [&](const auto& e) { return page_of_key(e.first) == page; });
}

void AsidTlb::flush_asid(std::uint16_t asid) {
  std::erase_if(entries_, [&](const auto& e) { return asid_of_key(e.first) == asid; });
}

std::optional<AsidTlb::Entry> AsidTlb::take_stale(std::uint16_t asid,
                                                  const std::function<std::optional<PhysAddr>(VirtAddr)>& walk) {
  // The lowest stale page, whatever the map's order: the report is the same
  // on every host.
  std::optional<std::uint64_t> first;
  for (const auto& [k, physical] : entries_) {
    if (asid_of_key(k) != asid || (first && k >= *first)) continue;
    if (walk(page_of_key(k)) != physical) first = k;
  }
  if (!first) return std::nullopt;
  const Entry stale{page_of_key(*first), entries_.at(*first)};
  entries_.erase(*first);
  return stale;
}

}  // namespace pristine::sim::aarch64
