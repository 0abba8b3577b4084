// Fault kinds ([[fault]] kind = "..."): the enum, the scenario names and
// the key each kind requires, all made from sim/fault_kind_list.def.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pristine::sim {

enum class FaultKind : std::uint8_t {
#define PRISTINE_FAULT_KIND(enumerator, name, takes, description) enumerator,
#include "sim/fault_kind_list.def"
#undef PRISTINE_FAULT_KIND
};

// The key beside the common ones a kind requires ([[fault]] in docs/scenarios.md).
enum class FaultParameter : std::uint8_t {
  None,
  Vector,  // `vector`: a device vector
  Task,    // `task`: a ring-3 task by name
  Late,    // `late_us` | `late_ns` | `late_cycles`
};

struct FaultKindInfo {
  FaultKind kind;
  const char* name;         // as written in a scenario and shown in the report
  FaultParameter takes;
  const char* description;  // one line, for docs and tests
};

// Indexed by FaultKind.
inline constexpr FaultKindInfo kFaultKinds[] = {
#define PRISTINE_FAULT_KIND(enumerator, name, takes, description) \
  {FaultKind::enumerator, name, FaultParameter::takes, description},
#include "sim/fault_kind_list.def"
#undef PRISTINE_FAULT_KIND
};
inline constexpr std::size_t kFaultKindCount = sizeof(kFaultKinds) / sizeof(kFaultKinds[0]);

inline constexpr const FaultKindInfo& fault_kind_info(FaultKind kind) {
  return kFaultKinds[static_cast<std::size_t>(kind)];
}

inline constexpr const char* fault_kind_name(FaultKind kind) { return fault_kind_info(kind).name; }

// The kind written as `name`, or nullptr.
inline const FaultKindInfo* fault_kind_named(std::string_view name) {
  for (const FaultKindInfo& k : kFaultKinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

// "nmi, nmi-swapgs-window, ...": the names for error messages.
inline std::string fault_kind_names() {
  std::string names;
  for (const FaultKindInfo& k : kFaultKinds) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

}  // namespace pristine::sim
