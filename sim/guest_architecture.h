// The CPU a guest is built for: an image's ELF e_machine
// (sim/guest_image.h), a scenario's `arch` key (sim/scenario.h).
#pragma once

#include <cstdint>
#include <string_view>

namespace pristine::sim {

enum class GuestArchitecture : std::uint8_t { X86_64, Aarch64 };

// The name scenarios and the CLI use.
constexpr std::string_view architecture_name(GuestArchitecture a) {
  return a == GuestArchitecture::Aarch64 ? "aarch64" : "x86_64";
}

}  // namespace pristine::sim
