// The simulated board's local interrupt controller, one per CPU, modeled on
// the xAPIC (Intel SDM Vol. 3, 11.8): a request register (IRR) and an
// in-service register (ISR) of 256 bits. A pending vector is delivered only
// when its priority class (vector >> 4) is above the class of the highest
// vector in service; EOI retires the highest in-service vector. Raising a
// vector that is already pending coalesces with it, as on the APIC.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "sim/host_types.h"

namespace pristine::sim {

class InterruptController {
 public:
  // Request `vector`. Returns false when it was already pending (coalesced).
  bool raise(Vector vector);
  // The vector the CPU would take now if IF = 1, if any.
  std::optional<Vector> deliverable() const;
  // The CPU took `vector`: pending -> in service. The spurious vector is
  // delivered without an in-service bit (SDM 11.9) and so without EOI.
  void accept(Vector vector);
  // EOI: retire the highest in-service vector and return it; nullopt if none
  // was in service (an EOI with nothing to acknowledge).
  std::optional<Vector> end_of_interrupt();

  bool pending(Vector v) const { return test(irr_, v); }
  bool in_service(Vector v) const { return test(isr_, v); }
  bool any_in_service() const { return highest(isr_).has_value(); }
  unsigned pending_count() const;

 private:
  using Bits = std::array<std::uint64_t, 4>;
  static bool test(const Bits& b, Vector v) { return (b[v >> 6] >> (v & 63)) & 1; }
  static void set(Bits& b, Vector v) { b[v >> 6] |= std::uint64_t{1} << (v & 63); }
  static void clear(Bits& b, Vector v) { b[v >> 6] &= ~(std::uint64_t{1} << (v & 63)); }
  static std::optional<Vector> highest(const Bits& b);

  Bits irr_{};
  Bits isr_{};
};

}  // namespace pristine::sim
