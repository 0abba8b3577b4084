// The driver table (driver_list.def) as constants: which device line belongs
// to which driver, and what reports call it. Compile-time only: the kernel,
// its interrupt names (core/interrupt/vectors.h) and the simulator read the
// same facts.
#pragma once

#include <cstdint>

namespace pristine::drivers {

enum class DriverId : std::uint32_t {
#define PRISTINE_DRIVER(id, name, handler, line, ns) id,
#include "core/drivers/driver_list.def"
#undef PRISTINE_DRIVER
};

struct DriverInfo {
  const char* name;          // "uart0"
  const char* handler_name;  // "uart0-rx"
  unsigned line;             // device line (vector kDeviceBase + line)
};

inline constexpr DriverInfo kDrivers[] = {
#define PRISTINE_DRIVER(id, name, handler, line, ns) {name, handler, line},
#include "core/drivers/driver_list.def"
#undef PRISTINE_DRIVER
};
inline constexpr std::uint32_t kDriverCount = sizeof kDrivers / sizeof kDrivers[0];

// The driver on device line `line`, nullptr for a line without one.
constexpr const DriverInfo* driver_on_line(unsigned line) {
  for (const DriverInfo& d : kDrivers) {
    if (d.line == line) return &d;
  }
  return nullptr;
}

// BootInfo::drivers: bit i starts kDrivers[i].
constexpr std::uint32_t driver_bit(DriverId id) { return std::uint32_t{1} << static_cast<std::uint32_t>(id); }
static_assert(kDriverCount <= 32, "BootInfo::drivers is a 32-bit mask");

}  // namespace pristine::drivers
