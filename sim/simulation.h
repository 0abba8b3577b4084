// One run of a scenario on the simulator, whichever CPU the scenario names:
// what the CLI runs. The engine is compiled once per guest architecture
// (sim/guest_arch.h), and make_simulation picks the copy by the scenario's
// `arch` key (docs/scenarios.md); each copy's Simulator (sim/simulator.h)
// is a Simulation.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "sim/host_types.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/trace_recorder.h"

namespace pristine::sim {

class Simulation {
 public:
  virtual ~Simulation() = default;

  virtual Report run() = 0;

  // Also write the run as trace events (sim/trace_recorder.h); before run().
  // Without it each traced event costs one untaken branch.
  virtual void trace_to(TraceRecorder& recorder) = 0;

  // For a long run watched by a person (the CLI, not the simulation: the
  // report never depends on them). `progress(done, total)` in modeled cycles,
  // every hundredth of the run, between the CPUs' turns (never per block).
  // Once `*stop` is set (Ctrl-C), the run ends after the current turn, ended
  // by kInterrupted: the report is of what ran. Before run().
  static constexpr const char* kInterrupted = "interrupted";
  virtual void report_progress(std::function<void(Cycles done, Cycles total)> progress) = 0;
  virtual void stop_when(const std::atomic<bool>* stop) = 0;
};

// The simulator for `scenario.arch`, loaded with `image` (an image of
// another CPU is refused, naming the file: ImageError).
std::unique_ptr<Simulation> make_simulation(const Scenario& scenario, const std::filesystem::path& image);

}  // namespace pristine::sim
