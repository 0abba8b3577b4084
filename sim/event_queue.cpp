#include "sim/event_queue.h"

#include <algorithm>
#include <limits>

namespace pristine::sim {
namespace {

// std heaps are max-heaps: "less" means later.
bool later(const Event& a, const Event& b) { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }

}  // namespace

void EventQueue::push(Event e) {
  e.seq = next_seq_++;
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Event e = heap_.back();
  heap_.pop_back();
  return e;
}

Cycles EventQueue::next_time() const {
  return heap_.empty() ? std::numeric_limits<Cycles>::max() : heap_.front().time;
}

}  // namespace pristine::sim
