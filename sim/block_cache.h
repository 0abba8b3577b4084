// Priced translated blocks by guest address: open addressing, power-of-two
// capacity, no allocation on a hit. Looked up once per executed block, so it
// must cost a few nanoseconds (no std::map, no std::function).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/guest_arch.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class BlockCache {
 public:
  BlockCache() : slots_(1024), mask_(slots_.size() - 1) {}

  // The cached cost of the block at `address` of `size` bytes, or nullptr.
  const BlockCost* find(VirtAddr address, std::uint32_t size) const {
    for (std::size_t i = index(address);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.address == address && s.size == size) return &s.cost;
    }
  }

  const BlockCost& insert(VirtAddr address, std::uint32_t size, const BlockCost& cost) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    return place(address, size, cost);
  }

  std::size_t size() const { return count_; }

 private:
  struct Slot {
    VirtAddr address = 0;
    std::uint32_t size = 0;
    bool used = false;
    BlockCost cost;
  };

  std::size_t index(VirtAddr address) const {
    return static_cast<std::size_t>((address * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
  }

  const BlockCost& place(VirtAddr address, std::uint32_t size, const BlockCost& cost) {
    std::size_t i = index(address);
    while (slots_[i].used && !(slots_[i].address == address && slots_[i].size == size)) {
      i = (i + 1) & mask_;
    }
    if (!slots_[i].used) ++count_;
    slots_[i] = Slot{address, size, true, cost};
    return slots_[i].cost;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    count_ = 0;
    for (const Slot& s : old) {
      if (s.used) place(s.address, s.size, s.cost);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_;  // slots_.size() - 1 (a power of two)
  std::size_t count_ = 0;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
