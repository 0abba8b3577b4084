// AArch64's vector facts (sim/vector_names.h): compiled with hw-aarch64/include.
#include "sim/vector_names.h"

namespace pristine::sim {

constexpr ArchitectureVectors kVectors = [] {
  namespace e = arch::aarch64_exception;
  ArchitectureVectors v{};
  for (unsigned i = 0; i < v.names.size(); ++i) v.names[i] = vectors::handler_name(static_cast<Vector>(i));
  v.has_fault_address[e::kDataAbort] = v.has_fault_address[e::kInstructionAbort] = true;
  v.fault_address_register = "far";
  return v;
}();
const ArchitectureVectors kAarch64Vectors = kVectors;

}  // namespace pristine::sim
