#include "sim/handler_accounting.h"

namespace pristine::sim {

void HandlerAccounting::open(Vector vector, Cycles now, std::uint64_t instructions) {
  stack_.push_back({vector, now, instructions, 0, 0});
}

bool HandlerAccounting::close(Cycles now, std::uint64_t instructions) {
  if (stack_.empty()) return false;
  const Open record = stack_.back();
  stack_.pop_back();
  const Cycles cycles = now - record.start;
  const std::uint64_t insns = instructions - record.start_instructions;
  HandlerSamples& s = samples_[record.vector];
  s.cycles.push_back(cycles);
  s.cycles_exclusive.push_back(cycles - record.nested_cycles);
  s.instructions.push_back(insns);
  s.instructions_exclusive.push_back(insns - record.nested_instructions);
  if (!stack_.empty()) {
    stack_.back().nested_cycles += cycles;
    stack_.back().nested_instructions += insns;
  }
  return true;
}

}  // namespace pristine::sim
