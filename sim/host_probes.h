// Host probes: short unrolled blocks of one unprivileged instruction, run on
// the host CPU in ring 3 and timed with the TSC (`pristine calibrate --host`,
// docs/cost-model.md, "Host calibration").
//
// A probe runs `rounds` passes over `unroll` copies of its instruction (an asm
// loop: one dec/jnz per pass) between two fenced TSC reads and returns the
// ticks between them. The fixed cost of the two reads is measured by the
// `empty` probe; the TSC ticks of one core cycle by the `add-chain` probe
// (dependent adds: 1 cycle each).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pristine::sim {

struct HostProbe {
  const char* name;
  unsigned unroll;                             // instructions per pass
  std::uint64_t (*block)(std::uint64_t rounds);  // one timed block of `rounds` passes: TSC ticks
  bool (*available)();             // nullptr: always available
  const char* how;                 // what exactly is timed
};

// Every probe, `empty` and `add-chain` first.
const std::vector<HostProbe>& host_probes();
const HostProbe* find_host_probe(const std::string& name);

// The CPU's brand string (CPUID 0x80000002-4) and whether it reports running
// under a hypervisor (CPUID 1: ECX bit 31).
std::string host_cpu_brand();
bool host_under_hypervisor();

// The smallest step the TSC takes between two reads (1 on bare metal; coarser
// where a hypervisor scales it).
std::uint64_t host_tsc_step();

}  // namespace pristine::sim
