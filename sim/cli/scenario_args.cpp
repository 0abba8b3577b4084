#include "sim/cli/scenario_args.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/drivers/driver_table.h"
#include "core/interrupt/vectors.h"
#include "core/boot/command_line.h"
#include "core/boot/command_line_words.h"
#include "hw-x86_64/pc/hpet.h"
#include "sim/event_source.h"
#include "sim/fault_kinds.h"
#include "sim/printable.h"
#include "sim/source_kinds.h"
#include "core/drivers/uart_payload.h"

namespace pristine::cli {

std::vector<std::string> kernel_args_for(const sim::Scenario& s) {
  namespace word = boot::command_line_word;
  std::vector<std::string> args = {fmt::format("{}{}", word::kTick, s.tick_hz)};
  for (const auto& t : s.tasks) {
    std::string task = fmt::format("{}{}:{}:{}:{}", word::kTask, t.name, sim::program_name(t.program), t.priority, t.boot_arg());
    if (t.cpu) task += fmt::format(":{}", *t.cpu);
    args.push_back(task);
  }
  // One driver= per driver a source drives (its device gets the source's data).
  std::uint32_t drivers = 0;
  for (const auto& source : s.sources) {
    if (source.driver && (drivers & (1u << *source.driver)) == 0) {
      drivers |= 1u << *source.driver;
      args.push_back(fmt::format("{}{}", word::kDriver, drivers::kDrivers[*source.driver].name));
    }
  }
  // Sources on bare device line 8: the PC's HPET raises it at their mean
  // rate, periodically (hw-x86_64/pc/hpet.h: the one bare line it can raise).
  double line8_hz = 0;
  for (const auto& source : s.sources) {
    if (source.driver || source.vector != vectors::kDeviceBase + pc::kHpetLine) continue;
    const double cpu_hz = static_cast<double>(s.cpu_hz);
    line8_hz += source.kind == sim::SourceKind::Bursty
                    ? cpu_hz * source.burst / static_cast<double>(source.burst_period)
                    : cpu_hz / static_cast<double>(source.period);
  }
  if (line8_hz > 0) {
    const auto hz = static_cast<std::uint64_t>(std::clamp(line8_hz + 0.5, 1.0, double{boot::kMaxLine8Hz}));
    args.push_back(fmt::format("{}{}", word::kLine8Hz, hz));
  }
  return args;
}

std::string serial_input_for(const sim::Scenario& s) {
  std::uint64_t bytes = 0;
  for (std::uint32_t i = 0; i < s.sources.size(); ++i) {
    if (s.sources[i].driver != static_cast<std::uint32_t>(drivers::DriverId::Uart0)) continue;
    sim::EventSource source(s.sources[i], s.seed, i);
    while (source.next_arrival() < s.duration && bytes < kMaxSerialInput) ++bytes;
  }
  std::string input;
  for (std::uint64_t k = 0; k < bytes; ++k) input.push_back(static_cast<char>(uart_payload_byte(k)));
  return input;
}

std::uint64_t nic_packets_for(const sim::Scenario& s) {
  std::uint64_t packets = 0;
  for (std::uint32_t i = 0; i < s.sources.size(); ++i) {
    if (s.sources[i].driver != static_cast<std::uint32_t>(drivers::DriverId::Nic0)) continue;
    sim::EventSource source(s.sources[i], s.seed, i);
    while (source.next_arrival() < s.duration && packets < kMaxNicPackets) ++packets;
  }
  return packets;
}

std::vector<std::string> ignored_on_the_pc(const sim::Scenario& s) {
  std::vector<std::string> ignored;
  for (const auto& source : s.sources) {
    const std::string name = sim::printable(source.name);
    if (source.driver) continue;
    if (source.vector == vectors::kDeviceBase + pc::kHpetLine) {
      if (source.kind != sim::SourceKind::Periodic) {
        ignored.push_back(fmt::format("source '{}': its {} arrivals (the HPET raises line 8 periodically at their "
                                      "mean rate)", name, sim::source_kind_info(source.kind).name));
      }
      continue;
    }
    ignored.push_back(fmt::format("source '{}' (vector {:#x}): the simulated board's (the PC raises uart0, nic0 and "
                                  "device line 8 only)", name, source.vector));
  }
  for (const auto& fault : s.faults) {
    ignored.push_back(fmt::format("fault '{}': fault injection is the simulator's", sim::fault_kind_name(fault.kind)));
  }
  for (const auto& budget : s.budgets) {
    ignored.push_back(fmt::format("[budgets] {}: budgets judge modeled cycles (the simulator's)",
                                  sim::printable(budget.handler)));
  }
  return ignored;
}

}  // namespace pristine::cli
