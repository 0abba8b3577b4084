// Priced translated blocks by guest address: open addressing, power-of-two
// capacity, no allocation on a hit. Looked up once per executed block, so it
// must cost a few nanoseconds (no std::map, no std::function). One for all
// CPUs: they run the same code, and taking turns every few hundred modeled
// cycles, per-CPU tables evicted each other from the host's caches. Each
// slot says which CPUs have seen its block, for what is reported at each
// CPU's first sight (first_sight).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/guest_arch.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class BlockCache {
 public:
  // What a CPU's sightings are marked with (CPU ids below kMaxCpus).
  static constexpr CpuId kMaxCpus = 16;
  static std::uint16_t cpu_bit(CpuId cpu) { return static_cast<std::uint16_t>(1u << cpu); }

  BlockCache() : slots_(4096), mask_(slots_.size() - 1), shift_(64 - 12) {}

  // The cached cost of the block at `address` of `size` bytes (never 0:
  // Unicorn reports no empty block), or nullptr.
  const BlockCost* find(VirtAddr address, std::uint32_t size) const {
    const auto key = static_cast<std::uint16_t>(size);  // a block is a few KiB at most
    for (std::size_t i = index(address);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.address == address && s.size == key) return &s.cost;
      if (s.size == 0) return nullptr;
    }
  }

  // Whether the CPU of `seen_by` (cpu_bit) sees the block for the first
  // time, which it has from now on. The block must be in the cache.
  bool first_sight(VirtAddr address, std::uint32_t size, std::uint16_t seen_by) {
    for (std::size_t i = index(address);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.address == address && s.size == size) {
        const bool first = (s.seen & seen_by) == 0;
        s.seen |= seen_by;
        return first;
      }
      if (s.size == 0) return false;
    }
  }

  // A block priced by the CPU of `seen_by`, its first sight.
  const BlockCost& insert(VirtAddr address, std::uint32_t size, const BlockCost& cost, std::uint16_t seen_by) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    return place(address, static_cast<std::uint16_t>(size), seen_by, cost);
  }

  std::size_t size() const { return count_; }

 private:
  // A power of two (32 bytes on x86-64, 64 on AArch64): an index is a
  // shift, and no slot straddles a cache line.
  struct alignas(32) Slot {
    VirtAddr address = 0;
    std::uint16_t size = 0;  // 0: unused (a translated block is at most a few KiB)
    std::uint16_t seen = 0;  // cpu_bit of each CPU that saw it
    BlockCost cost;
  };
  static_assert((sizeof(Slot) & (sizeof(Slot) - 1)) == 0);

  // Fibonacci hashing: the product's top bits, which every address bit
  // reaches (nearby blocks, a few bytes apart, land far apart).
  std::size_t index(VirtAddr address) const {
    return static_cast<std::size_t>((address * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  const BlockCost& place(VirtAddr address, std::uint16_t size, std::uint16_t seen, const BlockCost& cost) {
    std::size_t i = index(address);
    while (slots_[i].size != 0 && !(slots_[i].address == address && slots_[i].size == size)) {
      i = (i + 1) & mask_;
    }
    if (slots_[i].size == 0) ++count_;
    slots_[i] = Slot{address, size, static_cast<std::uint16_t>(slots_[i].seen | seen), cost};
    return slots_[i].cost;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    count_ = 0;
    for (const Slot& s : old) {
      if (s.size != 0) place(s.address, s.size, s.seen, s.cost);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_;  // slots_.size() - 1 (a power of two)
  unsigned shift_;    // 64 - log2(slots_.size())
  std::size_t count_ = 0;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
