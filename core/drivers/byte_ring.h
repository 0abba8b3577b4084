// A single-producer, single-consumer ring of bytes: the hand-off from a
// driver's top half (producer, interrupt context) to its bottom half
// (consumer, a kernel thread), and from a bottom half to a device's reader
// (core/drivers/device_files.h). Lock-free: each side writes only its own index;
// release on publish, acquire on read, so a byte is in the ring before the
// index that covers it.
#pragma once

#include <atomic>
#include <cstdint>

namespace pristine::drivers {

template <std::uint32_t Size>
class ByteRing {
  static_assert(Size != 0 && (Size & (Size - 1)) == 0, "a power of two: indexes wrap with a mask");

 public:
  // Producer: false (and nothing stored) when the ring is full.
  bool push(std::uint8_t byte) {
    const std::uint32_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) == Size) return false;
    bytes_[head & (Size - 1)] = byte;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer: false when the ring is empty.
  bool pop(std::uint8_t& byte) {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return false;
    byte = bytes_[tail & (Size - 1)];
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer: the bytes it may read now without wrapping, from `data` on;
  // consume(n) then takes the first n of them (n at most what this returned).
  // A reader that copies them out first takes nothing when its copy fails.
  std::uint32_t readable(const std::uint8_t*& data) const {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint32_t ready = head_.load(std::memory_order_acquire) - tail;
    const std::uint32_t to_end = Size - (tail & (Size - 1));
    data = &bytes_[tail & (Size - 1)];
    return ready < to_end ? ready : to_end;
  }
  void consume(std::uint32_t n) {
    tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
  // Consumer: drop every byte it holds now; how many.
  std::uint32_t discard() {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint32_t head = head_.load(std::memory_order_acquire);
    tail_.store(head, std::memory_order_release);
    return head - tail;
  }

  std::uint32_t size() const {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }

 private:
  std::atomic<std::uint32_t> head_{0};  // next slot the producer fills
  std::atomic<std::uint32_t> tail_{0};  // next slot the consumer reads
  std::uint8_t bytes_[Size] = {};
};

}  // namespace pristine::drivers
