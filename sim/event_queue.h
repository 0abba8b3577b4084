// Deterministic event queue: ordered by (time, insertion sequence), never by
// pointer or hash, so equal-time events always come out in the same order.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/host_types.h"

namespace pristine::sim {

enum class EventKind : std::uint8_t {
  DeviceInterrupt,  // a scenario source raises `vector` on `cpu`
  Ipi,              // an IPI sent through the board arrives at `cpu`
  Fault,            // scenario fault `source` is injected
  Raise,            // `vector` is raised (a delayed or repeated injection)
  DeviceTimer,      // a device model's timer for `vector`'s device expires (nic0's moderation interval)
};

struct Event {
  Cycles time = 0;
  std::uint64_t seq = 0;  // assigned by EventQueue::push
  EventKind kind = EventKind::DeviceInterrupt;
  CpuId cpu = 0;
  Vector vector = 0;
  std::uint32_t source = 0;  // scenario source index (DeviceInterrupt)
  Cycles sent_at = 0;        // Ipi: when the sender wrote the board's IPI register
  std::uint64_t flow = 0;    // Ipi: its trace flow (sim/trace_recorder.h); 0 when no trace is written
};

class EventQueue {
 public:
  void push(Event e);          // stamps e.seq
  bool empty() const { return heap_.empty(); }
  const Event& top() const { return heap_.front(); }
  Event pop();
  std::size_t size() const { return heap_.size(); }
  // Earliest event time, or UINT64_MAX when empty.
  Cycles next_time() const;
  // Everything still queued, in no particular order (reports only).
  const std::vector<Event>& pending() const { return heap_; }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace pristine::sim
