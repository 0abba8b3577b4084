// Counters with one writer that other CPUs and the reports may read: a
// relaxed load and store, no locked instruction (seed 000: relaxed counters
// in the hot path).
#pragma once

#include <atomic>
#include <cstdint>

namespace pristine {

inline void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

inline void bump(std::atomic<std::uint64_t>& counter) { add(counter, 1); }

}  // namespace pristine
