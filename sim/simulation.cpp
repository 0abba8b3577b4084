#include "sim/simulation.h"

namespace pristine::sim {

// Each copy of the engine defines its own (sim/simulator.cpp); both are
// named here, and only here, by their namespaces.
inline namespace x86_64_guest {
std::unique_ptr<Simulation> make_simulator(const Scenario& scenario, const std::filesystem::path& image);
}
inline namespace aarch64_guest {
std::unique_ptr<Simulation> make_simulator(const Scenario& scenario, const std::filesystem::path& image);
}

std::unique_ptr<Simulation> make_simulation(const Scenario& scenario, const std::filesystem::path& image) {
  if (scenario.arch == GuestArchitecture::Aarch64) return aarch64_guest::make_simulator(scenario, image);
  return x86_64_guest::make_simulator(scenario, image);
}

}  // namespace pristine::sim
