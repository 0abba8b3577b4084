#include "sim/interconnect.h"

#include <fmt/format.h>

#include "core/hot_path.h"
#include "core/interrupt/vectors.h"
#include "sim/saturating.h"
#include "sim/vector_names.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

Interconnect::Interconnect(Parts p)
    : cpus_(p.cpus),
      image_(p.image),
      costs_(p.costs),
      tlb_(p.tlb),
      rules_(p.rules),
      violations_(p.violations),
      secondary_entry_(p.image.find_symbol("sim_secondary_entry").value_or(0)) {}

// ---- IPIs -------------------------------------------------------------------------

void Interconnect::send_ipi(SimCpu& from, CpuId target, Vector vector) {
  if (target >= cpus_.size()) {
    violations_.raise({.kind = "ipi-bad-target",
                       .message = fmt::format("CPU {} sent {} to CPU {}", from.cpu.id(),
                                              vector_name(kGuestArchitecture, vector), target),
                       .symbol = image_.describe(from.block),
                       .vector = vector,
                       .at_cycle = from.cycles});
    return;
  }
  ++ipi_sent_[vector];
  cpus_[target]->schedule({.time = add_saturating(from.cycles, costs_.ipi_latency),
                              .kind = EventKind::Ipi,
                              .cpu = target,
                              .vector = vector,
                              .sent_at = from.cycles,
                              .flow = trace_ ? trace_->ipi_sent(from.cpu.id(), from.cycles, target, vector) : 0});
}

// The APIC shorthand "all excluding self": every other CPU that runs (a CPU
// not yet started waits for its start-up and ignores it, as on the PC).
void Interconnect::send_ipi_to_others(SimCpu& from, Vector vector) {
  for (const auto& cpu : cpus_) {
    if (cpu.get() != &from && cpu->started && !cpu->stopped) send_ipi(from, cpu->cpu.id(), vector);
  }
}

// The IPI arrived at `c`'s controller.
void Interconnect::ipi_raised(SimCpu& c, Vector vector, Cycles sent_at, bool coalesced) {
  if (coalesced) ++ipi_coalesced_;
  c.ipis_in_flight[vector].push_back(sent_at);
}

// The CPU took IPI `vector`: it serves every send raised so far (a send that
// found the vector pending coalesced with it, as on the APIC).
void Interconnect::ipi_taken(SimCpu& c, Vector vector) {
  if (vector == vectors::kIpiStopAll) c.took_stop_all = true;
  std::vector<Cycles>& sends = c.ipis_in_flight[vector];
  if (sends.empty()) {
    violations_.raise({.kind = "ipi-handled-twice",
                       .message = fmt::format("CPU {} took {} with no send outstanding", c.cpu.id(),
                                              vector_name(kGuestArchitecture, vector)),
                       .vector = vector,
                       .at_cycle = c.cycles});
    return;
  }
  SampleHistogram& latency = ipi_latency_[vector];
  for (const Cycles sent : sends) latency.record(c.cycles - sent);
  sends.clear();
}

// On a board whose handlers acknowledge (AArch64), the acknowledge says
// which interrupt the CPU took: an IPI is taken there, and the record the
// entry opened is that interrupt's (a higher one may have arrived between
// the entry and the read).
void Interconnect::interrupt_acknowledged(SimCpu& c, Vector vector) {
  c.accounting.reassign_interrupt(vector_path(vector));
  if (vector >= vectors::kIpiReschedule && vector <= vectors::kIpiStopAll) {
    ipi_taken(c, vector);
    if (PRISTINE_UNLIKELY(trace_ != nullptr)) trace_->ipi_taken(c.cpu.id(), c.cycles, vector);
  }
}

IpiReport Interconnect::ipi_report() const {
  IpiReport r;
  SampleHistogram all_latency;
  for (std::size_t vector = 0; vector < kVectorCount; ++vector) {
    const std::uint64_t sent = ipi_sent_[vector];
    if (sent == 0) continue;
    IpiReport::PerVector v;
    v.name = vector_name(kGuestArchitecture, static_cast<Vector>(vector));
    v.sent = sent;
    const SampleHistogram& latency = ipi_latency_[vector];
    v.latency = Distribution::of(latency);
    all_latency.merge(latency);
    r.sent += sent;
    r.handled += latency.count();
    r.vectors.push_back(std::move(v));
  }
  for (const auto& cpu : cpus_) {
    for (const std::vector<Cycles>& sends : cpu->ipis_in_flight) r.in_flight += sends.size();
    for (const Event& e : cpu->events.pending()) {
      if (e.kind == EventKind::Ipi) ++r.in_flight;
    }
  }
  r.coalesced = ipi_coalesced_;
  r.latency = Distribution::of(all_latency);
  r.shootdowns = tlb_.shootdowns();
  r.flushes = tlb_.flushes();
  return r;
}

// ---- CPU start-up -----------------------------------------------------------------

void Interconnect::start_cpu(SimCpu& from, CpuId target) {
  if (target >= cpus_.size() || cpus_[target]->started || secondary_entry_ == 0) {
    violations_.raise({.kind = "bad-cpu-start",
                       .message = fmt::format("CPU {} asked to start CPU {}", from.cpu.id(), target),
                       .at_cycle = from.cycles});
    return;
  }
  SimCpu& t = *cpus_[target];
  t.started = true;
  t.cycles = from.cycles;  // one clock domain: a CPU starts at the time it was started
  t.started_at = from.cycles;
}

// ---- what the pristine-path rules see ---------------------------------------------

void Interconnect::console_output(SimCpu& c) { rules_.console_output(c, costs_.console_char); }

void Interconnect::clock_read(SimCpu& c) { rules_.clock_read(c); }

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
