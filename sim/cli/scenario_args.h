// A scenario's tasks and tick rate as PC kernel command-line words
// (docs/boot.md): `pristine boot --scenario` and `pristine calibrate`.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario.h"

namespace pristine::cli {

std::vector<std::string> kernel_args_for(const sim::Scenario& scenario);

// The serial input the scenario's uart0 sources send over its duration: one
// byte per arrival, the simulator's payload (core/drivers/uart_payload.h), so a PC run
// gets the bytes a simulator run of the same scenario and seed gets (QEMU
// paces them by its FIFO, not by the arrival times). At most kMaxSerialInput.
inline constexpr std::size_t kMaxSerialInput = 1 << 20;
std::string serial_input_for(const sim::Scenario& scenario);

// The packets the scenario's nic0 sources send over its duration: one per
// arrival, packet k being sim/nic_payload.h's (so a PC run gets the packets
// a simulator run of the same scenario and seed gets; QEMU paces them by the
// ring's room, not by the arrival times). At most kMaxNicPackets.
inline constexpr std::uint64_t kMaxNicPackets = 100'000;
std::uint64_t nic_packets_for(const sim::Scenario& scenario);

// What of the scenario a PC boot cannot do, one line each: sources other
// than the driven devices and device line 8 (the simulated board's devices),
// line 8's arrival pattern (the HPET raises it periodically at the mean
// rate), injected faults, per-handler budgets and the simulator's own checks
// (modeled-cycle figures). Honoured: tasks, tick rate, CPUs, duration, the
// seed (through the input bytes and packets), uart0, nic0 and line 8.
std::vector<std::string> ignored_on_the_pc(const sim::Scenario& scenario);

}  // namespace pristine::cli
