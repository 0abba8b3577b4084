#include "sim/swarm.h"

#include "core/drivers/driver_table.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "core/drivers/driver_table.h"
#include "core/program_registry.h"
#include "sim/fault_kinds.h"
#include "sim/prng.h"

namespace pristine::sim {
namespace {

// Uniform in [lo, hi] (the modulo bias of a 64-bit draw is negligible here).
std::uint64_t pick(Prng& prng, std::uint64_t lo, std::uint64_t hi) { return lo + prng.next() % (hi - lo + 1); }

template <typename T, std::size_t N>
const T& one_of(Prng& prng, const T (&choices)[N]) {
  return choices[pick(prng, 0, N - 1)];
}

const std::string& one_of(Prng& prng, const std::vector<std::string>& choices) {
  return choices[pick(prng, 0, choices.size() - 1)];
}

bool chance(Prng& prng, unsigned percent) { return pick(prng, 1, 100) <= percent; }

struct DrawnTask {
  std::string name;
  std::string program;
  std::uint64_t priority = 0;
  std::optional<std::uint64_t> cpu;
  std::uint64_t sleep_us = 0;
  std::string partner;
};

// The ring-3 programs that end their own task with a CPU exception, in
// registry order (core/program_list.def).
std::vector<std::string> fault_programs() {
  std::vector<std::string> names;
  for (const ProgramInfo& p : kPrograms) {
    if (p.end == ProgramEnd::Faults) names.emplace_back(p.name);
  }
  return names;
}

// The task mix: every program a correct kernel runs side by side, ring-3
// faults included (they end only their own task).

std::vector<DrawnTask> draw_tasks(Prng& prng, std::uint64_t cpus) {
  const std::vector<std::string> faults = fault_programs();
  // At most two tasks per CPU: a task of priority 0 behind one of priority
  // 3 still gets a turn every 5 ms, well inside the run and its share check.
  const std::uint64_t count = pick(prng, 1, 2 * cpus);
  std::vector<DrawnTask> tasks;
  while (tasks.size() < count) {
    DrawnTask t;
    t.name = fmt::format("t{}", tasks.size());
    t.priority = pick(prng, 0, 3);
    if (cpus > 1 && chance(prng, 30)) t.cpu = pick(prng, 0, cpus - 1);
    const std::uint64_t kind = pick(prng, 1, 100);
    if (kind <= 15 && tasks.size() + 2 <= count) {
      // A pinger pair, on two CPUs when there are several.
      DrawnTask other = t;
      other.name = fmt::format("t{}", tasks.size() + 1);
      t.program = other.program = "pinger";
      t.partner = other.name;
      other.partner = t.name;
      if (cpus > 1) {
        t.cpu = pick(prng, 0, cpus - 1);
        other.cpu = (*t.cpu + pick(prng, 1, cpus - 1)) % cpus;
      }
      tasks.push_back(t);
      tasks.push_back(other);
      continue;
    }
    if (kind <= 45) {
      t.program = "counter";
    } else if (kind <= 60) {
      t.program = "sleeper";
      t.sleep_us = pick(prng, 50, 3000);
    } else if (kind <= 70) {
      t.program = "yielder";
    } else if (kind <= 75) {
      t.program = "syscall-check";
    } else if (kind <= 85) {
      t.program = "kernel-counter";
    } else if (kind <= 90) {
      t.program = "heap-toucher";
    } else if (kind <= 95) {
      t.program = "unmapper";
    } else {
      t.program = one_of(prng, faults);
    }
    tasks.push_back(t);
  }
  return tasks;
}

}  // namespace

std::string draw_swarm_scenario(std::uint64_t seed) {
  Prng prng(seed);
  constexpr std::uint64_t kCpuCounts[] = {1, 1, 2, 2, 3, 4};
  constexpr std::uint64_t kTickRates[] = {1000, 2000, 4000, 5000, 10000};
  const std::uint64_t cpus = one_of(prng, kCpuCounts);
  // A slow modeled clock keeps a run cheap to simulate while every path
  // keeps its cycle cost: a 15 ms run at 300 MHz is 4.5 M cycles per CPU.
  const std::uint64_t cpu_mhz = 50 * pick(prng, 4, 8);
  const std::uint64_t tick_hz = one_of(prng, kTickRates);
  const std::uint64_t duration_ms = pick(prng, 12, 20);

  std::string toml = fmt::format(
      "# Drawn by `pristine swarm` from seed {0} (docs/swarm.md).\n"
      "[scenario]\nname = \"swarm-{0}\"\nseed = {0}\ncpus = {1}\ncpu_mhz = {2}\nduration_ms = {3}\n\n"
      "[kernel]\ntick_hz = {4}\n",
      seed, cpus, cpu_mhz, duration_ms, tick_hz);

  const std::vector<DrawnTask> tasks = draw_tasks(prng, cpus);
  std::vector<std::string> ring3_counters;
  for (const DrawnTask& t : tasks) {
    toml += fmt::format("\n[[task]]\nname = \"{}\"\nprogram = \"{}\"\npriority = {}\n", t.name, t.program, t.priority);
    if (t.cpu) toml += fmt::format("cpu = {}\n", *t.cpu);
    if (t.program == "sleeper") toml += fmt::format("sleep_us = {}\n", t.sleep_us);
    if (t.program == "pinger") toml += fmt::format("partner = \"{}\"\n", t.partner);
    if (t.program == "counter") ring3_counters.push_back(t.name);
  }

  // Device sources: each at most a few % of its CPU (a path of ~500 cycles
  // every 30 us or more at 200 MHz and up).
  const std::uint64_t sources = pick(prng, 0, 3);
  for (std::uint64_t i = 0; i < sources; ++i) {
    // The kinds of sim/source_kinds.cpp this writes keys for; a new kind is
    // appended (the order is part of what a seed draws).
    constexpr const char* kKinds[] = {"periodic", "poisson", "bursty"};
    const std::string kind = one_of(prng, kKinds);
    const std::uint64_t line = pick(prng, 0, 15);
    const std::uint64_t cpu = pick(prng, 0, cpus - 1);
    if (const drivers::DriverInfo* driver = drivers::driver_on_line(static_cast<unsigned>(line))) {
      // A driver's line: its device gets the data, on the CPU the driver routes it to.
      toml += fmt::format("\n[[source]]\nname = \"s{}\"\nkind = \"{}\"\ndriver = \"{}\"\n", i, kind, driver->name);
    } else {
      toml += fmt::format("\n[[source]]\nname = \"s{}\"\nkind = \"{}\"\nvector = {:#x}\ncpu = {}\n", i, kind,
                          0x40 + line, cpu);
    }
    if (kind == "periodic") {
      toml += fmt::format("period_us = {}\n", pick(prng, 30, 300));
    } else if (kind == "poisson") {
      toml += fmt::format("mean_us = {}\n", pick(prng, 30, 300));
    } else if (kind == "bursty") {
      toml += fmt::format("burst = {}\nburst_period_us = {}\nspacing_ns = {}\n", pick(prng, 2, 8),
                          pick(prng, 300, 3000), pick(prng, 2000, 10000));
    }
  }

  // Injected faults: the kinds of sim/fault_kind_list.def, at rates a kernel
  // must absorb. A new kind is appended (the order is part of what a seed
  // draws); the key it takes follows from the list.
  const std::uint64_t faults = pick(prng, 0, 2);
  for (std::uint64_t i = 0; i < faults; ++i) {
    constexpr const char* kFaultKinds[] = {"nmi",          "nmi-swapgs-window", "spurious",    "same-vector",
                                           "timer-double", "timer-late",        "level-device", "page-fault"};
    std::string kind = one_of(prng, kFaultKinds);
    if (kind == "page-fault" && ring3_counters.empty()) kind = "spurious";
    toml += fmt::format("\n[[fault]]\nkind = \"{}\"\nmean_us = {}\n", kind, pick(prng, 200, 3000));
    switch (fault_kind_named(kind)->takes) {
      case FaultParameter::None: break;
      case FaultParameter::Vector: {
        // Not a driver's line: a level-device fault needs the stock acknowledgement.
        std::uint64_t line = pick(prng, 0, 15);
        while (drivers::driver_on_line(static_cast<unsigned>(line))) line = (line + 1) % 16;
        toml += fmt::format("vector = {:#x}\n", 0x40 + line);
        break;
      }
      case FaultParameter::Late: toml += fmt::format("late_us = {}\n", pick(prng, 1, 50)); break;
      case FaultParameter::Task: toml += fmt::format("task = \"{}\"\n", one_of(prng, ring3_counters)); break;
    }
  }
  return toml;
}

}  // namespace pristine::sim
