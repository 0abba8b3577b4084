#include "sim/guest_memory.h"

#include <algorithm>
#include <fmt/format.h>

#include "sim/unicorn_error.h"

namespace pristine::sim {
namespace {

constexpr std::uint64_t kPage = 4096;
constexpr VirtAddr page_down(VirtAddr a) { return a & ~(kPage - 1); }
constexpr VirtAddr page_up(VirtAddr a) { return (a + kPage - 1) & ~(kPage - 1); }

}  // namespace

GuestMemory::GuestMemory(const GuestImage& image) {
  std::vector<RegionSpec> ranges;
  for (const Segment& s : image.segments()) {
    ranges.push_back({page_down(s.vaddr), page_up(s.vaddr + s.mem_size) - page_down(s.vaddr), page_down(s.paddr)});
  }
  add_regions(std::move(ranges));
  for (const Segment& s : image.segments()) write_bytes(s.vaddr, s.bytes);
}

GuestMemory::GuestMemory(const std::vector<RegionSpec>& regions) { add_regions(regions); }

void GuestMemory::add_regions(std::vector<RegionSpec> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const RegionSpec& a, const RegionSpec& b) { return a.base < b.base; });
  // Segments sharing a page share a region (and then its physical page: the
  // image loader checks that).
  std::vector<RegionSpec> merged;
  for (const RegionSpec& r : ranges) {
    if (!merged.empty() && r.base <= merged.back().base + merged.back().size &&
        r.base - merged.back().base == r.paddr - merged.back().paddr) {
      const VirtAddr end = std::max(merged.back().base + merged.back().size, r.base + r.size);
      merged.back().size = end - merged.back().base;
    } else {
      merged.push_back(r);
    }
  }
  for (const RegionSpec& r : merged) {
    Region region{r.base, r.paddr, r.size, std::make_unique<std::uint8_t[]>(r.size), UC_PROT_ALL};
    std::fill_n(region.bytes.get(), region.size, std::uint8_t{0});
    regions_.push_back(std::move(region));
    last_region_ = nullptr;  // the vector may have moved
  }
  for (const Region& r : regions_) by_paddr_.push_back(&r);
  std::sort(by_paddr_.begin(), by_paddr_.end(), [](const Region* a, const Region* b) { return a->paddr < b->paddr; });
}

void GuestMemory::map_into(uc_engine* uc) const {
  for (const Region& r : regions_) {
    check(uc_mem_map_ptr(uc, r.paddr, r.size, r.perms, r.bytes.get()), "uc_mem_map_ptr");
  }
}

// host() past its inline case: another region, or holes to look past.
std::uint8_t* GuestMemory::host_elsewhere(VirtAddr address, std::uint64_t length) const {
  const Region* it = last_region_;
  if (!it || address < it->base || address - it->base >= it->size) {
    auto found = std::upper_bound(regions_.begin(), regions_.end(), address,
                                  [](VirtAddr a, const Region& r) { return a < r.base; });
    if (found == regions_.begin()) return nullptr;
    it = &*--found;
    last_region_ = it;
  }
  if (address - it->base + length > it->size) return nullptr;
  if (!holes_.empty() && length != 0) {
    // The first hole at or after the page of `address` must lie past the range.
    const auto hole = std::lower_bound(holes_.begin(), holes_.end(), page_down(address));
    if (hole != holes_.end() && *hole < address + length) return nullptr;
  }
  return it->bytes.get() + (address - it->base);
}

// physical() past the region found last (which it tried inline).
std::uint8_t* GuestMemory::physical_elsewhere(PhysAddr address, std::uint64_t length) const {
  auto it = std::upper_bound(by_paddr_.begin(), by_paddr_.end(), address,
                             [](PhysAddr a, const Region* r) { return a < r->paddr; });
  if (it == by_paddr_.begin()) return nullptr;
  last_physical_[1] = last_physical_[0];
  last_physical_[0] = *--it;
  const Region& r = *last_physical_[0];
  if (address - r.paddr > r.size || length > r.size - (address - r.paddr)) return nullptr;
  return r.bytes.get() + (address - r.paddr);
}

void GuestMemory::set_hole(VirtAddr page, bool hole) {
  const auto it = std::lower_bound(holes_.begin(), holes_.end(), page);
  const bool present = it != holes_.end() && *it == page;
  if (hole && !present) holes_.insert(it, page);
  if (!hole && present) holes_.erase(it);
}

std::uint64_t GuestMemory::contiguous_from(VirtAddr address) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                             [](VirtAddr a, const Region& r) { return a < r.base; });
  if (it == regions_.begin()) return 0;
  --it;
  return address - it->base < it->size ? it->size - (address - it->base) : 0;
}

std::uint8_t* GuestMemory::checked(VirtAddr address, std::uint64_t length) const {
  std::uint8_t* p = host(address, length);
  if (!p) throw std::out_of_range(fmt::format("guest address {:#x}+{} is not mapped", address, length));
  return p;
}

}  // namespace pristine::sim
