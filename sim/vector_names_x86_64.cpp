// x86-64's vector facts (sim/vector_names.h): compiled with hw-x86_64/include.
#include "hw-x86_64/cpu/exception_vectors.h"
#include "sim/vector_names.h"

namespace pristine::sim {

constexpr ArchitectureVectors kVectors = [] {
  ArchitectureVectors v{};
  for (unsigned i = 0; i < v.names.size(); ++i) v.names[i] = vectors::handler_name(static_cast<Vector>(i));
  v.has_fault_address[vectors::kPageFault] = true;
  v.fault_address_register = "cr2";
  return v;
}();
const ArchitectureVectors kX86_64Vectors = kVectors;

}  // namespace pristine::sim
