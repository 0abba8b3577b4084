#include "sim/handler_accounting.h"

namespace pristine::sim {

void HandlerAccounting::open(PathId path, Cycles now, std::uint64_t instructions, std::uint64_t switches,
                             ResumePoint resume) {
  stack_.push_back({path, now, instructions, switches, 0, 0, resume, 0, 0, 0, 0, 0, 0});
}

std::optional<ClosedRecord> HandlerAccounting::close(Cycles now, std::uint64_t instructions, std::uint64_t switches) {
  if (stack_.empty()) return std::nullopt;
  const Open record = stack_.back();
  stack_.pop_back();
  const Cycles cycles = now - record.start;
  const std::uint64_t insns = instructions - record.start_instructions;
  const bool switched = switches != record.start_switches;
  HandlerSamples& s = samples_[record.path * 2 + (switched ? 1 : 0)];
  s.cycles.record(cycles);
  s.cycles_exclusive.record(cycles - record.nested_cycles);
  s.instructions.record(insns);
  s.instructions_exclusive.record(insns - record.nested_instructions);
  if (record.clock_reads >= 2) {
    s.kernel_span_instructions.record(record.last_clock_read - record.first_clock_read);
    s.kernel_span_cycles.record(record.last_clock_cycles - record.first_clock_cycles);
  }
  if (!stack_.empty()) {
    stack_.back().nested_cycles += cycles;
    stack_.back().nested_instructions += insns;
  }
  return ClosedRecord{record.path, switched, record.resume, record.eois};
}

std::size_t HandlerAccounting::bytes() const {
  std::size_t total = sizeof(*this) + stack_.capacity() * sizeof(Open);
  for (const HandlerSamples& s : samples_) total += s.bytes() - sizeof(HandlerSamples);  // beyond the objects
  return total;
}


}  // namespace pristine::sim
