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
  BlockCache() : slots_(4096), mask_(slots_.size() - 1), shift_(64 - 12) {}

  // The cached cost of the block at `address` of `size` bytes (never 0:
  // Unicorn reports no empty block), or nullptr.
  const BlockCost* find(VirtAddr address, std::uint32_t size) const {
    for (std::size_t i = index(address);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.address == address && s.size == size) return &s.cost;
      if (s.size == 0) return nullptr;
    }
  }

  const BlockCost& insert(VirtAddr address, std::uint32_t size, const BlockCost& cost) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    return place(address, size, cost);
  }

  std::size_t size() const { return count_; }

 private:
  // A power of two (32 bytes on x86-64, 64 on AArch64): an index is a
  // shift, and no slot straddles a cache line.
  struct alignas(32) Slot {
    VirtAddr address = 0;
    std::uint32_t size = 0;  // 0: unused
    BlockCost cost;
  };
  static_assert((sizeof(Slot) & (sizeof(Slot) - 1)) == 0);

  // Fibonacci hashing: the product's top bits, which every address bit
  // reaches (nearby blocks, a few bytes apart, land far apart).
  std::size_t index(VirtAddr address) const {
    return static_cast<std::size_t>((address * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  const BlockCost& place(VirtAddr address, std::uint32_t size, const BlockCost& cost) {
    std::size_t i = index(address);
    while (slots_[i].size != 0 && !(slots_[i].address == address && slots_[i].size == size)) {
      i = (i + 1) & mask_;
    }
    if (slots_[i].size == 0) ++count_;
    slots_[i] = Slot{address, size, cost};
    return slots_[i].cost;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    count_ = 0;
    for (const Slot& s : old) {
      if (s.size != 0) place(s.address, s.size, s.cost);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_;  // slots_.size() - 1 (a power of two)
  unsigned shift_;    // 64 - log2(slots_.size())
  std::size_t count_ = 0;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
