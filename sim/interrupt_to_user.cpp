#include "sim/interrupt_to_user.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

void InterruptToUser::delivered(int owner, bool owner_blocked, const SimCpu& c) {
  if (owner_blocked) pending_.try_emplace(owner, Pending{c.cycles, c.instructions, c.cpu.id()});
}

void InterruptToUser::entered_user(int task, const SimCpu& c) {
  if (pending_.empty()) return;
  const auto it = pending_.find(task);
  if (it == pending_.end()) return;
  const Pending& p = it->second;
  if (c.cycles < p.cycles) return;  // a CPU behind the delivering one: not the return it caused
  cycles_.record(c.cycles - p.cycles);
  if (p.cpu == c.cpu.id()) instructions_.record(c.instructions - p.instructions);
  pending_.erase(it);
}

std::optional<HandlerReport> InterruptToUser::report(Cycles budget) const {
  if (cycles_.empty()) return std::nullopt;
  HandlerReport h;
  h.name = kInterruptToUserPath;
  h.count = cycles_.count();
  h.cycles = h.cycles_exclusive = Distribution::of(cycles_);
  h.instructions = h.instructions_exclusive = Distribution::of(instructions_);
  h.budget = budget;
  return h;
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
