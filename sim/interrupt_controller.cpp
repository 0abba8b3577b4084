#include "sim/interrupt_controller.h"

#include <bit>

#include "core/interrupt/vectors.h"

namespace pristine::sim {

std::optional<Vector> InterruptController::highest(const Bits& b) {
  for (int word = 3; word >= 0; --word) {
    if (b[word] != 0) return static_cast<Vector>(word * 64 + 63 - std::countl_zero(b[word]));
  }
  return std::nullopt;
}

bool InterruptController::raise(Vector vector) {
  if (test(irr_, vector)) return false;
  set(irr_, vector);
  return true;
}

std::optional<Vector> InterruptController::deliverable() const {
  const auto request = highest(irr_);
  if (!request) return std::nullopt;
  const auto service = highest(isr_);
  if (service && (*request >> 4) <= (*service >> 4)) return std::nullopt;
  return request;
}

void InterruptController::accept(Vector vector) {
  clear(irr_, vector);
  if (vector != vectors::kSpurious) set(isr_, vector);
}

std::optional<Vector> InterruptController::end_of_interrupt() {
  const auto service = highest(isr_);
  if (service) clear(isr_, *service);
  return service;
}

unsigned InterruptController::pending_count() const {
  unsigned n = 0;
  for (std::uint64_t w : irr_) n += static_cast<unsigned>(std::popcount(w));
  return n;
}

}  // namespace pristine::sim
