// Guest RAM: host buffers holding the image's segments, mapped at their
// physical load addresses into every CPU's engine (uc_mem_map_ptr), so all
// CPUs and the host see one memory. The host reads and writes it directly,
// without Unicorn calls, by the address the image links it at (host()) or by
// physical address (physical(): what page tables hold).
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "sim/host_types.h"
#include "sim/guest_image.h"

namespace pristine::sim {

class GuestMemory {
 public:
  struct RegionSpec {
    VirtAddr base;        // page-aligned
    std::uint64_t size;   // whole pages
    PhysAddr paddr;       // page-aligned
  };
  // One region per loadable segment, rounded out to whole pages.
  explicit GuestMemory(const GuestImage& image);
  // Zeroed regions (tests build their own machines this way).
  explicit GuestMemory(const std::vector<RegionSpec>& regions);

  // Host pointer to physical [address, address + length) of one region, or
  // nullptr. Inline for the two regions found last: a page walk reads four
  // tables, about a million times in a busy 10 ms storm, and a ring-3
  // address space's tables sit in two regions (the kernel's data and the
  // frames it maps to ring 3), which one remembered region would alternate.
  std::uint8_t* physical(PhysAddr address, std::uint64_t length) const {
    for (const Region* r : last_physical_) {
      if (r && address - r->paddr < r->size && length <= r->size - (address - r->paddr)) {
        return r->bytes.get() + (address - r->paddr);
      }
    }
    return physical_elsewhere(address, length);
  }

  void map_into(uc_engine* uc) const;

  // Host pointer to [address, address + length), or nullptr if not all
  // mapped. Inline for the region found last when no page is a hole: a
  // delivery reads the IDT and the GDT, writes a frame, and the kernel view
  // reads the current task, all in one or two regions.
  std::uint8_t* host(VirtAddr address, std::uint64_t length) const {
    const Region* r = last_region_;
    if (r && holes_.empty() && address - r->base < r->size && length <= r->size - (address - r->base)) {
      return r->bytes.get() + (address - r->base);
    }
    return host_elsewhere(address, length);
  }

  // Pages the CPU cannot reach (guard pages, injected faults): host() treats
  // them as unmapped too, so simulated pushes fault as the CPU's would.
  void set_hole(VirtAddr page, bool hole);
  bool contains(VirtAddr address, std::uint64_t length) const { return host(address, length); }
  // Bytes mapped from `address` to the end of its region (0 if unmapped).
  std::uint64_t contiguous_from(VirtAddr address) const;

  template <typename T>
  T read(VirtAddr address) const {
    T value;
    std::memcpy(&value, checked(address, sizeof(T)), sizeof(T));
    return value;
  }
  // Reads guest data the simulator does not control (a broken kernel may have
  // written anything): `fallback` when the address is not guest memory.
  template <typename T>
  T read_or(VirtAddr address, T fallback) const {
    const std::uint8_t* p = host(address, sizeof(T));
    if (!p) return fallback;
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
  }
  template <typename T>
  void write(VirtAddr address, const T& value) {
    std::memcpy(checked(address, sizeof(T)), &value, sizeof(T));
  }
  void write_bytes(VirtAddr address, std::span<const std::uint8_t> bytes) {
    // An empty span may have no storage (a NOLOAD segment's): memcpy's
    // pointers must not be null even for no bytes.
    if (bytes.empty()) return;
    std::memcpy(checked(address, bytes.size()), bytes.data(), bytes.size());
  }

 private:
  struct Region {
    VirtAddr base;
    PhysAddr paddr;
    std::uint64_t size;
    std::unique_ptr<std::uint8_t[]> bytes;
    std::uint32_t perms;
  };
  std::uint8_t* checked(VirtAddr address, std::uint64_t length) const;
  std::uint8_t* physical_elsewhere(PhysAddr address, std::uint64_t length) const;
  std::uint8_t* host_elsewhere(VirtAddr address, std::uint64_t length) const;
  void add_regions(std::vector<RegionSpec> regions);

  std::vector<Region> regions_;  // sorted by base, disjoint
  std::vector<const Region*> by_paddr_;  // sorted by paddr
  std::vector<VirtAddr> holes_;  // sorted page addresses
  // The region the last lookup found: a delivery's reads and writes and the
  // kernel view's fall in one or two regions again and again.
  mutable const Region* last_region_ = nullptr;
  mutable const Region* last_physical_[2] = {};  // physical()'s two, the latest first
};

}  // namespace pristine::sim
